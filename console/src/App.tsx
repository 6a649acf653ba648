import { useQuery } from '@tanstack/react-query';
import { type ComponentType, useEffect, useState } from 'react';
import { api, ok } from './api.ts';
import { useSession } from './auth/index.ts';
import { type Place, PlaceContext, type Role } from './components/place.tsx';
import { ErrorText } from './components/Status.tsx';
import AccessLog from './pages/AccessLog.tsx';
import Audit from './pages/Audit.tsx';
import Calls from './pages/Calls.tsx';
import DeliveryPins from './pages/DeliveryPins.tsx';
import Members from './pages/Members.tsx';
import Packages from './pages/Packages.tsx';
import Panels from './pages/Panels.tsx';
import Passes from './pages/Passes.tsx';
import Residents from './pages/Residents.tsx';
import Settings from './pages/Settings.tsx';
import './styles.css';

interface PageDef {
  id: string;
  label: string;
  /** Who sees it in the menu: what the API lets them do (staff never see admin-only pages). */
  roles: readonly Role[];
  component: ComponentType;
}

const PAGES: readonly PageDef[] = [
  { id: 'delivery-pins', label: 'Delivery Authorizations', roles: ['admin'], component: DeliveryPins },
  { id: 'access-log', label: 'Access log', roles: ['admin', 'staff'], component: AccessLog },
  { id: 'passes', label: 'Passes', roles: ['admin', 'staff', 'resident'], component: Passes },
  { id: 'residents', label: 'Residents', roles: ['admin', 'staff'], component: Residents },
  { id: 'members', label: 'Staff and admins', roles: ['admin'], component: Members },
  { id: 'panels', label: 'Panels', roles: ['admin', 'staff'], component: Panels },
  { id: 'packages', label: 'Packages', roles: ['admin', 'staff', 'resident'], component: Packages },
  { id: 'calls', label: 'Calls', roles: ['admin', 'staff', 'resident'], component: Calls },
  { id: 'settings', label: 'Settings', roles: ['admin'], component: Settings },
  { id: 'audit', label: 'Audit trail', roles: ['admin'], component: Audit },
];

/** The page in the URL's hash (#/delivery-pins): links, back and reload work without a router. */
const hashPage = () => window.location.hash.replace(/^#\/?/, '').split('?')[0] ?? '';

function useHashPage(): string {
  const [page, setPage] = useState(hashPage);
  useEffect(() => {
    const onChange = () => setPage(hashPage());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return page;
}

const PROPERTY_KEY = 'lobby.console.property';

/** The shell: the caller's properties (GET /properties), a picker, the menu their role allows, the page. */
export default function App() {
  const { user, signOut } = useSession();
  const pageId = useHashPage();
  const properties = useQuery({
    queryKey: ['my-properties'],
    queryFn: async () => ok(await api().GET('/properties', { params: { query: { limit: 100 } } })).items,
  });
  const [picked, setPicked] = useState(() => localStorage.getItem(PROPERTY_KEY) ?? '');
  const list = properties.data ?? [];
  const current = list.find((p) => p.propertyId === picked) ?? list[0];
  const place: Place | undefined = current && { propertyId: current.propertyId, name: current.name, role: current.role };
  const allowed = place ? PAGES.filter((page) => page.roles.includes(place.role)) : [];
  const page = allowed.find((p) => p.id === pageId) ?? allowed[0];

  useEffect(() => {
    if (page) document.title = `${page.label} · Lobby Console`;
  }, [page]);

  const pick = (propertyId: string) => {
    localStorage.setItem(PROPERTY_KEY, propertyId);
    setPicked(propertyId);
  };

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Lobby Console</span>
        {list.length > 1 ? (
          <label className="picker">
            <span>Property</span>
            <select value={current?.propertyId ?? ''} onChange={(event) => pick(event.target.value)}>
              {list.map((p) => (
                <option key={p.propertyId} value={p.propertyId}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
        ) : current ? (
          <span className="picker">{current.name}</span>
        ) : null}
        <span className="user">
          {user.name ?? user.sub}
          {place ? <span className="role"> · {place.role}</span> : null}
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <div className="body">
        <nav aria-label="Console" className="sidenav">
          <ul>
            {allowed.map((p) => (
              <li key={p.id}>
                <a href={`#/${p.id}`} aria-current={p === page ? 'page' : undefined}>
                  {p.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" tabIndex={-1}>
          {properties.isPending ? <p className="muted">Loading your properties…</p> : null}
          <ErrorText error={properties.error} />
          {properties.isSuccess && !place ? <p>You are not a member of any property yet. Ask a property admin to add you.</p> : null}
          {place && place.role === 'operator' ? <p>You are a platform operator here, not a member of {place.name}: an admin of the property manages it.</p> : null}
          {place && page ? (
            <PlaceContext.Provider value={place}>
              <page.component key={`${place.propertyId}/${page.id}`} />
            </PlaceContext.Provider>
          ) : null}
        </main>
      </div>
    </div>
  );
}
