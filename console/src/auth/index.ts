export { type Session, SessionProvider, useSession } from './SessionProvider.tsx';
export { getAccessToken, type SessionUser, signIn, signOut, startSession } from './session.ts';
