import { Component, lazy, Suspense, type ReactNode } from 'react';
import { NavLink, Navigate, Route, Routes, useLocation } from 'react-router';
import { useSession, can } from './auth/session';
import { ErrorBox, Loading } from './components/states';
import { LoginPage } from './pages/login';

const Dashboard = lazy(() => import('./pages/dashboard'));
const Events = lazy(() => import('./pages/events'));
const Alerts = lazy(() => import('./pages/alerts'));
const Rules = lazy(() => import('./pages/rules'));
const Users = lazy(() => import('./pages/users'));

/** Whatever a view throws while rendering becomes a readable error, never a blank page. */
class Boundary extends Component<{ children: ReactNode }, { error: unknown }> {
  state = { error: null as unknown };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  render() {
    if (this.state.error) return <ErrorBox error={this.state.error} title="This view failed" retry={() => this.setState({ error: null })} />;
    return this.props.children;
  }
}

function scopeText(ns: '*' | string[]): string {
  if (ns === '*') return 'all namespaces';
  if (ns.length === 0) return 'no namespaces';
  return ns.length > 3 ? `${ns.slice(0, 3).join(', ')} +${ns.length - 3}` : ns.join(', ');
}

export function App() {
  const s = useSession();
  const location = useLocation();
  if (s.checking) return <Loading what="your session" />;
  if (!s.me) return <LoginPage />;
  const me = s.me;
  return (
    <div className="shell">
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="topbar">
        <span className="brand" aria-label="Tracehound">Tracehound</span>
        <nav aria-label="Main">
          <NavLink to="/dashboard">Dashboard</NavLink>
          <NavLink to="/events">Events</NavLink>
          <NavLink to="/alerts">Alerts</NavLink>
          <NavLink to="/rules">Rules</NavLink>
          {can(me, 'users:admin') && <NavLink to="/users">Users &amp; tokens</NavLink>}
        </nav>
        <div className="whoami" aria-label="Signed in user">
          <span data-testid="whoami-user">{me.username}</span>
          <span className={`badge role-${me.role}`} data-testid="whoami-role">{me.role}</span>
          <span className="muted" data-testid="whoami-scope" title={me.namespaces === '*' ? 'all namespaces' : me.namespaces.join(', ')}>
            {scopeText(me.namespaces)}
          </span>
          <button type="button" onClick={() => void s.logout()}>Sign out</button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Boundary key={location.pathname}>
          <Suspense fallback={<Loading what="view" />}>
            <Routes>
              <Route path="/" element={<Navigate to="/dashboard" replace />} />
              <Route path="/dashboard" element={<Dashboard />} />
              <Route path="/events" element={<Events />} />
              <Route path="/alerts" element={<Alerts />} />
              <Route path="/rules" element={<Rules />} />
              <Route path="/users" element={can(me, 'users:admin') ? <Users /> : <ErrorBox error={new Error('Only administrators manage users and tokens.')} title="Not allowed" />} />
              <Route path="*" element={<ErrorBox error={new Error('There is no such page.')} title="Not found" />} />
            </Routes>
          </Suspense>
        </Boundary>
      </main>
    </div>
  );
}
