// The pages and their addresses. The profile and admin pages are loaded on first visit (React.lazy), so the
// first page downloads only what the public pages need.
import { lazy } from 'react';
import { createBrowserRouter, Navigate } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { Layout } from '@/components/layouts/layout';
import { ProtectedRoute } from '@/lib/auth';
import { ForgotPasswordRoute } from './routes/forgot-password';
import { HomeRoute } from './routes/home';
import { LoginRoute } from './routes/login';
import { NotFoundRoute } from './routes/not-found';
import { ResetPasswordRoute } from './routes/reset-password';
import { SignupRoute } from './routes/signup';
import { VerifyEmailRoute } from './routes/verify-email';

const ProfileRoute = lazy(() => import('./routes/profile').then((module) => ({ default: module.ProfileRoute })));
const AdminUsersRoute = lazy(() =>
  import('./routes/admin-users').then((module) => ({ default: module.AdminUsersRoute })),
);

const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { index: true, element: <HomeRoute /> },
      { path: 'signup', element: <SignupRoute /> },
      { path: 'login', element: <LoginRoute /> },
      { path: 'forgot-password', element: <ForgotPasswordRoute /> },
      { path: 'reset-password', element: <ResetPasswordRoute /> },
      { path: 'verify-email', element: <VerifyEmailRoute /> },
      {
        path: 'profile',
        element: (
          <ProtectedRoute>
            <ProfileRoute />
          </ProtectedRoute>
        ),
      },
      {
        path: 'admin/users',
        element: (
          <ProtectedRoute>
            <AdminUsersRoute />
          </ProtectedRoute>
        ),
      },
      { path: 'admin', element: <Navigate to="/admin/users" replace /> },
      { path: '*', element: <NotFoundRoute /> },
    ],
  },
]);

export function AppRouter() {
  return <RouterProvider router={router} />;
}
