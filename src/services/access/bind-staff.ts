import { DomainError } from '../../domain/errors';
import type { User } from '../../domain/types';
import { redeemBindCode } from '../groups/bind-codes';
import type { Deps } from '../deps';
import { ensureContact } from '../conversation/speaker';

/** `绑定工作人员 CODE` in a private chat: links a staff member's WeChat to their user. */
export async function bindStaff(deps: Deps, input: { code: string; wechatId: string; name: string }): Promise<User> {
  const code = await redeemBindCode(deps, 'staff', input.code, input.wechatId);
  const contact = await ensureContact(deps, input.wechatId, input.name);
  const user = await deps.store.users.update(code.targetId, { contactId: contact.id });
  if (!user) throw new DomainError('code_invalid', input.code);
  await deps.store.contacts.update(contact.id, { userId: user.id });
  return user;
}
