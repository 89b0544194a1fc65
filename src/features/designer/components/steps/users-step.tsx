import { CheckboxField } from '@/components/checkbox-field';
import { CheckedEntryForm } from '@/components/checked-entry-form';
import { LineListField } from '@/components/line-list-field';
import { SelectField } from '@/components/select-field';
import { TextField } from '@/components/text-field';
import type { UserSpec } from '@/spec/schema';
import { useEntryCheck } from '@/features/designer/hooks/use-entry-check';
import { useFieldIssues } from '@/features/designer/hooks/use-field-issues';
import { useUpdateDraft } from '@/features/designer/hooks/use-update-draft';
import { useDraftStore } from '@/stores/draft-store';

const shells: UserSpec['shell'][] = ['/bin/bash', '/bin/sh', '/usr/sbin/nologin'];

const newUser = (name: string): UserSpec => ({ name, groups: [], sudo: false, sshAuthorizedKeys: [], shell: '/bin/bash' });

function UserCard({ user, index }: { user: UserSpec; index: number }) {
  const update = useUpdateDraft();
  const at = (field: string) => ['spec', 'users', index, field];
  const nameIssues = useFieldIssues(at('name'));
  const groupIssues = useFieldIssues(at('groups'), { nested: true });
  const keyIssues = useFieldIssues(at('sshAuthorizedKeys'), { nested: true });
  const hashIssues = useFieldIssues(at('passwordHash'));
  const edit = (change: (u: UserSpec) => void) =>
    update((d) => {
      const target = d.spec.users[index];
      if (target) change(target);
    });
  const title = user.name || `User ${index + 1}`;

  return (
    <fieldset className="group card">
      <legend>{title}</legend>
      <TextField label="User name" value={user.name} issues={nameIssues} onChange={(v) => edit((u) => void (u.name = v))} />
      <LineListField label="Groups" values={user.groups} issues={groupIssues} onChange={(v) => edit((u) => void (u.groups = v))} rows={2} />
      <LineListField
        label="SSH authorized keys"
        values={user.sshAuthorizedKeys}
        issues={keyIssues}
        hint="One public key per line."
        placeholder="ssh-ed25519 AAAA… admin@example"
        onChange={(v) => edit((u) => void (u.sshAuthorizedKeys = v))}
      />
      <div className="field-row">
        <SelectField
          label="Login shell"
          value={user.shell}
          options={shells.map((s) => ({ value: s, label: s }))}
          onChange={(v) => edit((u) => void (u.shell = v as UserSpec['shell']))}
        />
        <TextField
          label="Password hash (optional)"
          value={user.passwordHash ?? ''}
          hint="A crypt(3) hash, e.g. from mkpasswd; never a plain password."
          issues={hashIssues}
          onChange={(v) => edit((u) => void (u.passwordHash = v.trim() === '' ? undefined : v))}
        />
      </div>
      <CheckboxField label="Passwordless sudo" checked={user.sudo} onChange={(v) => edit((u) => void (u.sudo = v))} />
      <button type="button" className="button button--danger" onClick={() => update((d) => void d.spec.users.splice(index, 1))}>
        Remove {title}
      </button>
    </fieldset>
  );
}

export function UsersStep() {
  const users = useDraftStore((s) => s.draft.spec.users);
  const update = useUpdateDraft();
  const listIssues = useFieldIssues(['spec', 'users']);
  const checkEntry = useEntryCheck();
  return (
    <>
      {users.length === 0 ? <p className="muted">No extra users: access is up to your cloud-init data.</p> : null}
      {users.map((user, i) => (
        <UserCard key={i} user={user} index={i} />
      ))}
      {listIssues.length > 0 ? <p className="field-issues">{listIssues.join('; ')}</p> : null}
      <CheckedEntryForm
        inputLabel="New user name"
        addLabel="Add user"
        placeholder="admin"
        hint="Checked before the user is added; groups, keys and shell follow in the user's card."
        check={(name) => checkEntry((d) => void d.spec.users.push(newUser(name)), ['spec', 'users', users.length])}
        onAdd={(name) => update((d) => void d.spec.users.push(newUser(name)))}
      />
    </>
  );
}
