import { createSignal, Show } from 'solid-js';
import { describeError } from '../api/http';
import { authApi, type User } from './auth-api';

// Sign in or sign up with email and password. Obvious mistakes are said beside their field
// before anything is sent; the server's answer (wrong password, sign-up closed) below the form.

export type AccountMode = 'sign-in' | 'sign-up';

// better-auth's default password bounds.
const PASSWORD_MIN = 8;
const PASSWORD_MAX = 128;

export function checkAccountFields(
  mode: AccountMode,
  f: { name: string; email: string; password: string },
): Partial<Record<'name' | 'email' | 'password', string>> {
  const out: Partial<Record<'name' | 'email' | 'password', string>> = {};
  if (mode === 'sign-up' && !f.name.trim()) out.name = 'Enter your name.';
  if (mode === 'sign-up' && f.name.trim().length > 100)
    out.name = 'Name is too long: at most 100 characters.';
  if (!f.email.trim()) out.email = 'Enter your email address.';
  else if (!/^[^\s@]+@[^\s@]+$/.test(f.email.trim())) out.email = 'This is not an email address.';
  if (!f.password) out.password = 'Enter your password.';
  else if (mode === 'sign-up' && f.password.length < PASSWORD_MIN)
    out.password = `Password is too short: ${f.password.length} of at least ${PASSWORD_MIN} characters.`;
  else if (f.password.length > PASSWORD_MAX)
    out.password = `Password is too long: at most ${PASSWORD_MAX} characters.`;
  return out;
}

export function AccountForm(props: {
  mode: AccountMode;
  inviteToken?: string;
  submitLabel: string;
  onDone: (user: User) => void;
}) {
  const [errors, setErrors] = createSignal<ReturnType<typeof checkAccountFields>>({});
  const [failure, setFailure] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  let form!: HTMLFormElement;

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const data = new FormData(form);
    const f = {
      name: String(data.get('name') ?? ''),
      email: String(data.get('email') ?? ''),
      password: String(data.get('password') ?? ''),
    };
    const found = checkAccountFields(props.mode, f);
    setErrors(found);
    setFailure(undefined);
    if (Object.keys(found).length) return;
    setBusy(true);
    try {
      const out =
        props.mode === 'sign-in'
          ? await authApi.signIn({ email: f.email.trim(), password: f.password })
          : await authApi.signUp({
              name: f.name.trim(),
              email: f.email.trim(),
              password: f.password,
              ...(props.inviteToken ? { inviteToken: props.inviteToken } : {}),
            });
      props.onDone(out.user);
    } catch (err) {
      setFailure(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  const field = (name: 'name' | 'email' | 'password', label: string, type: string, auto: string) => (
    <div class="form-field">
      <label for={`account-${name}`}>{label}</label>
      <input
        id={`account-${name}`}
        class="field"
        name={name}
        type={type}
        autocomplete={auto}
        aria-invalid={errors()[name] ? 'true' : undefined}
        aria-describedby={errors()[name] ? `account-${name}-error` : undefined}
      />
      <Show when={errors()[name]}>
        <p class="field-error" id={`account-${name}-error`} data-testid="field-error">
          {errors()[name]}
        </p>
      </Show>
    </div>
  );

  return (
    <form ref={form} class="account-form" onSubmit={(e) => void submit(e)} novalidate>
      <Show when={props.mode === 'sign-up'}>{field('name', 'Name', 'text', 'name')}</Show>
      {field('email', 'Email', 'email', 'email')}
      {field(
        'password',
        'Password',
        'password',
        props.mode === 'sign-in' ? 'current-password' : 'new-password',
      )}
      <Show when={failure()}>
        <p class="input-error" role="alert" data-testid="account-error">
          {failure()}
        </p>
      </Show>
      <button type="submit" class="btn primary" disabled={busy()}>
        {props.submitLabel}
      </button>
    </form>
  );
}
