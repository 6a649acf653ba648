import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { type SessionState, type SessionUser, signIn, signOut, subscribe } from './session.ts';

export interface Session {
  user: SessionUser;
  accessToken: string;
  signOut(): void;
}

const SessionContext = createContext<Session | undefined>(undefined);

/** The signed-in session; only usable below <SessionProvider> (which renders its children only when signed in). */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession() outside <SessionProvider>');
  return session;
}

function Notice({ title, message }: { title: string; message?: string }) {
  return (
    <main className="session-notice">
      <h1>{title}</h1>
      {message ? <p role="alert">{message}</p> : null}
      <button type="button" onClick={() => void signIn('/')}>
        Sign in
      </button>
    </main>
  );
}

/** Renders the app for a signed-in user; after sign-out or a failed sign-in, a page that offers to sign in again. */
export function SessionProvider({ initial, children }: { initial: SessionState; children: ReactNode }) {
  const [state, setState] = useState(initial);
  useEffect(() => subscribe(setState), []);
  if (state.status === 'signed-out') return <Notice title="You are signed out of Lobby" />;
  if (state.status === 'error') return <Notice title="Sign-in did not complete" message={state.message} />;
  return <SessionContext.Provider value={{ user: state.user, accessToken: state.accessToken, signOut }}>{children}</SessionContext.Provider>;
}
