import type { Group, User } from '../../domain/types';
import type { Deps } from '../deps';

/** Staff and admins who bound their WeChat (绑定工作人员): who hears privately of what needs staff. */
export async function linkedStaff({ store }: Deps): Promise<{ user: User; wechatId: string; lng: Group['locale'] }[]> {
  const staff = (await store.users.find({ active: true, contactId: { ne: null } })).filter((u) => u.role === 'staff' || u.role === 'admin');
  const contacts = new Map((await store.contacts.find({ id: { in: staff.map((u) => u.contactId!) } })).map((c) => [c.id, c]));
  return staff.flatMap((user) => {
    const c = contacts.get(user.contactId!);
    return c ? [{ user, wechatId: c.wechatId, lng: c.locale }] : [];
  });
}
