import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, request, session, type User } from '../api';
import { ErrorBox, Field } from '../components';

export function LoginPage({ onLogin }: { onLogin: (u: User) => void }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [pending, setPending] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (pending) return;
    setPending(true);
    try {
      const r = await request('post', '/api/auth/login', { body: { username, password } });
      session.set(r.token, r.user);
      onLogin(r.user);
    } catch (err) {
      // A disabled account is told as such (only after the right password); any other 401 stays vague.
      const vague = err instanceof ApiError && err.status === 401 && err.body.reason !== 'account_disabled';
      setError(vague ? t('login.failed') : err);
    } finally {
      setPending(false);
    }
  };
  return (
    <form className="card narrow" onSubmit={submit}>
      <h1>{t('nav.login')}</h1>
      <Field label={t('login.username')}>
        <input name="username" autoFocus value={username} onChange={(e) => setUsername(e.target.value)} />
      </Field>
      <Field label={t('login.password')}>
        <input name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} />
      </Field>
      <ErrorBox error={error} />
      <button type="submit" disabled={pending}>
        {t('login.submit')}
      </button>
    </form>
  );
}
