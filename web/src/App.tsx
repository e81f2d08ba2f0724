import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, NavLink, Route, Routes, useNavigate } from 'react-router-dom';
import { request, session, type User } from './api';
import { switchLanguageToUser, toggleLanguage } from './i18n';
import type { Messages } from './locales/zh-CN';
import { AdminPage } from './pages/Admin';
import { DeliveriesPage } from './pages/AdminDeliveries';
import { CatalogPage, DepartmentsPage, UsersPage } from './pages/AdminCatalog';
import { ApplicationPage } from './pages/Application';
import { CasePage, CasesPage } from './pages/Cases';
import { CashierPage } from './pages/Cashier';
import { GuidePage } from './pages/Guide';
import { LoginPage } from './pages/Login';
import { NotificationSettingsPage } from './pages/NotificationSettings';
import { NotificationsPage } from './pages/Notifications';
import { ProgressPage } from './pages/Progress';
import { ApplicationsPage, NewApplicationPage } from './pages/Officer';
import { DonePage, InboxPage, StepPage } from './pages/Staff';
import { BoardPage, ProjectBoardPage, StatsPage } from './pages/Supervisor';
import { ResultScope } from './submit';
import { UnreadBadge } from './UnreadBadge';
import { ComplaintsPage } from './pages/Complaints';
import { ComplaintFilePage, ComplaintFollowPage } from './pages/PublicComplaint';
import { RatingPage } from './pages/PublicRating';
import { AuditPage, ChangePasswordPage, MySessionsPage } from './pages/Account';
import { WarningsPage } from './pages/Warnings';
import { AccountabilityLogPage, AssessmentPage, PublicRankingPage } from './pages/Assessment';

const HOME: Record<User['role'], string> = {
  officer: '/applications',
  staff: '/inbox',
  supervisor: '/board',
  cashier: '/fees',
  admin: '/admin',
};

type NavKey = `nav.${keyof Messages['nav']}` | 'more.notifications';

const NAV: Record<User['role'], Array<[string, NavKey]>> = {
  officer: [
    ['/applications', 'nav.applications'],
    ['/applications/new', 'nav.newApplication'],
  ],
  staff: [
    ['/inbox', 'nav.inbox'],
    ['/inbox/done', 'nav.done'],
    ['/cases', 'nav.cases'],
    ['/warnings', 'nav.warnings'],
    ['/complaints', 'nav.departmentComplaints'],
  ],
  supervisor: [
    ['/board', 'nav.board'],
    ['/projects', 'nav.projects'],
    ['/cases', 'nav.cases'],
    ['/warnings', 'nav.warnings'],
    ['/applications', 'nav.applications'],
    ['/stats', 'nav.stats'],
    ['/complaints', 'nav.complaints'],
    ['/assessment', 'nav.assessment'],
    ['/accountability', 'nav.accountability'],
  ],
  cashier: [['/fees', 'nav.fees']],
  admin: [
    ['/admin', 'nav.calendar'],
    ['/admin/catalog', 'nav.catalog'],
    ['/admin/departments', 'nav.departments'],
    ['/admin/users', 'nav.users'],
    ['/admin/audit', 'nav.audit'],
    ['/projects', 'nav.projects'],
    ['/stats', 'nav.stats'],
    ['/admin/deliveries', 'nav.deliveries'],
    ['/complaints', 'nav.complaints'],
    ['/assessment', 'nav.assessment'],
  ],
};

export function App() {
  const { t } = useTranslation();
  const [user, setUser] = useState<User | null>(session.user);
  const navigate = useNavigate();
  const signOut = () => {
    // Ends the session on the server too (its token stops working at once); the page signs out either way.
    if (user) void request('post', '/api/auth/logout').catch(() => undefined);
    session.clear();
    setUser(null);
    switchLanguageToUser(null);
    void navigate('/login');
  };
  const changed = (u: User) => {
    session.updateUser(u);
    setUser(u);
  };
  // A 401 on any request (token expired or revoked) signs the user out of the page, not only of storage.
  useEffect(
    () =>
      session.onSignedOut(() => {
        setUser(null);
        switchLanguageToUser(null);
        void navigate('/login');
      }),
    [navigate],
  );
  return (
    <div className="app">
      <header>
        <Link to="/" className="brand">
          {t('app.title')} <small>{t('app.center')}</small>
        </Link>
        <nav>
          <NavLink to="/guide">{t('nav.guide')}</NavLink>
          {/* The public's pages (no sign-in): progress lookup, complaints and ratings; staff at the
              windows reach them by address when they help someone, their menu stays their work. */}
          {!user && (
            <>
              <NavLink to="/progress">{t('nav.progress')}</NavLink>
              <NavLink to="/public/complaint" end>
                {t('nav.fileComplaint')}
              </NavLink>
              <NavLink to="/public/complaint/follow">{t('nav.followComplaint')}</NavLink>
              <NavLink to="/public/rate">{t('nav.rate')}</NavLink>
              <NavLink to="/public/ranking">{t('nav.ranking')}</NavLink>
            </>
          )}
          {user &&
            [...NAV[user.role], ['/notifications', 'more.notifications'] as [string, NavKey]].map(([to, key]) => (
              <NavLink key={to} to={to} end>
                {t(key)}
                {key === 'more.notifications' && <UnreadBadge />}
              </NavLink>
            ))}
        </nav>
        <div className="who">
          <button type="button" className="link" onClick={toggleLanguage}>
            {t('app.language')}
          </button>
          {user ? (
            <>
              <span>
                {user.displayName} · {t(`roles.${user.role}`)}
              </span>
              <NavLink to="/me/password">{t('nav.changePassword')}</NavLink>
              <NavLink to="/me/sessions">{t('nav.mySessions')}</NavLink>
              <button type="button" onClick={signOut}>
                {t('app.signOut')}
              </button>
            </>
          ) : (
            <NavLink to="/login">{t('nav.login')}</NavLink>
          )}
        </div>
      </header>
      <main>
        <ResultScope>
          <Routes>
            <Route path="/" element={<Navigate to={user ? HOME[user.role] : '/guide'} replace />} />
            <Route path="/guide" element={<GuidePage />} />
            <Route path="/progress" element={<ProgressPage />} />
            <Route path="/public/complaint" element={<ComplaintFilePage />} />
            <Route path="/public/complaint/follow" element={<ComplaintFollowPage />} />
            <Route path="/public/rate" element={<RatingPage />} />
            <Route path="/public/ranking" element={<PublicRankingPage />} />
            <Route
              path="/login"
              element={
                <LoginPage
                  onLogin={(u) => {
                    switchLanguageToUser(u.id);
                    setUser(u);
                    void navigate(u.mustChangePassword ? '/me/password' : HOME[u.role]);
                  }}
                />
              }
            />
            {user?.mustChangePassword && (
              <>
                {/* After an admin's reset, the password change is the only page until it is done. */}
                <Route path="/me/password" element={<ChangePasswordPage user={user} onChanged={changed} />} />
                <Route path="*" element={<Navigate to="/me/password" replace />} />
              </>
            )}
            {user && !user.mustChangePassword && (
              <>
                <Route path="/me/password" element={<ChangePasswordPage user={user} onChanged={changed} />} />
                <Route path="/me/sessions" element={<MySessionsPage />} />
                <Route path="/admin/audit" element={<AuditPage />} />
                <Route path="/applications" element={<ApplicationsPage />} />
                <Route path="/applications/new" element={<NewApplicationPage />} />
                <Route path="/applications/:id" element={<ApplicationPage user={user} />} />
                <Route path="/inbox" element={<InboxPage />} />
                <Route path="/inbox/done" element={<DonePage />} />
                <Route path="/steps/:id" element={<StepPage />} />
                <Route path="/board" element={<BoardPage />} />
                <Route path="/projects" element={<ProjectBoardPage />} />
                <Route path="/cases" element={<CasesPage />} />
                <Route path="/cases/:id" element={<CasePage user={user} />} />
                <Route path="/stats" element={<StatsPage />} />
                <Route path="/assessment" element={<AssessmentPage user={user} />} />
                <Route path="/accountability" element={<AccountabilityLogPage />} />
                <Route path="/fees" element={<CashierPage />} />
                <Route path="/admin" element={<AdminPage />} />
                <Route path="/admin/catalog" element={<CatalogPage />} />
                <Route path="/admin/departments" element={<DepartmentsPage />} />
                <Route path="/admin/users" element={<UsersPage />} />
                <Route path="/notifications" element={<NotificationsPage />} />
                <Route path="/settings/notifications" element={<NotificationSettingsPage />} />
                <Route path="/admin/deliveries" element={<DeliveriesPage />} />
                <Route path="/complaints" element={<ComplaintsPage user={user} />} />
                <Route path="/complaints/:id" element={<ComplaintsPage user={user} />} />
                <Route path="/warnings" element={<WarningsPage user={user} />} />
                <Route path="/warnings/:id" element={<WarningsPage user={user} />} />
              </>
            )}
            <Route path="*" element={<Navigate to={user ? HOME[user.role] : '/login'} replace />} />
          </Routes>
        </ResultScope>
      </main>
    </div>
  );
}
