import type { ChecklistItem } from './types';

/**
 * How people say what they mean to the bot: one table, read by `understand()`. Every line is
 * written as people write after normalising (simplified characters, no spaces, punctuation,
 * emoji or [表情] codes, lower case). To teach the bot a new wording, add it here and to the
 * corpus (test/fixtures/phrasings-corpus.ts), and run `npx jest test/unit/phrasings-corpus.test.ts`.
 *
 * Columns: what it means (intent) × the phrasings × who it is for × when it counts.
 * - who: `anyone`; `landlord` (a registered landlord: anyone else gets silence); `reviewer` (head or staff).
 * - when: `always`; `addressed` (in a private chat or when the bot is @mentioned or named);
 *   `waiting` (the bot waits for an item from this person: which item a photo shows);
 *   `asked` (the bot just asked this person to commit).
 */
export type Who = 'anyone' | 'landlord' | 'reviewer';
export type When = 'always' | 'addressed' | 'waiting' | 'asked';
export type AskTopic = 'owed' | 'deadline' | 'howto' | 'who_missing' | 'hello' | 'report' | 'unknown';

export type Meaning =
  /** soft: said in other words than the command (同意, 保证, a 接龙 line, a slip): silence when nothing new is committed */
  | { kind: 'commit'; soft?: true }
  | { kind: 'assent' }
  | { kind: 'help' }
  | { kind: 'progress' }
  | { kind: 'points' }
  | { kind: 'remind' }
  | { kind: 'pendingReview' }
  | { kind: 'ask'; topic: AskTopic };

export interface Phrasing {
  means: Meaning;
  say: readonly string[];
  who: Who;
  when: When;
}

const ask = (topic: AskTopic): Meaning => ({ kind: 'ask', topic });

/** Whole messages (after normalising, and after a polite lead-in such as 请问 is dropped). */
export const PHRASINGS: readonly Phrasing[] = [
  { means: { kind: 'commit' }, who: 'landlord', when: 'always', say: ['承诺', '我承诺', 'icommit', 'commit'] },
  {
    means: { kind: 'commit', soft: true },
    who: 'landlord',
    when: 'always',
    say: [
      '本人承诺',
      '我们承诺',
      '保证',
      '我保证',
      '我同意',
      '同意',
      '同意承诺',
      '我同意承诺',
      '同意承诺书',
      '我同意承诺书',
      '签署承诺书',
      'ipromise',
      'iagree',
    ],
  },
  {
    means: { kind: 'assent' },
    who: 'landlord',
    when: 'asked',
    say: [
      '好',
      '好的',
      '好滴',
      '好哒',
      '好嘞',
      '好吧',
      '收到',
      '嗯',
      '嗯嗯',
      '恩',
      '恩恩',
      '行',
      '可以',
      '知道了',
      '明白',
      'ok',
      'okay',
      '是',
      '是的',
      '对',
      '对的',
    ],
  },
  { means: { kind: 'help' }, who: 'anyone', when: 'always', say: ['帮助', '菜单', '使用说明', '说明', '怎么用', '功能', 'help', 'menu'] },
  {
    means: { kind: 'progress' },
    who: 'anyone',
    when: 'always',
    say: ['进度', '查进度', '查看进度', '本组进度', '看看进度', '进展', 'progress'],
  },
  { means: { kind: 'points' }, who: 'anyone', when: 'always', say: ['积分', '我的积分', '查积分', '几分了', 'points'] },
  { means: { kind: 'remind' }, who: 'reviewer', when: 'always', say: ['催办', '催一下', '催催', 'remind'] },
  {
    means: { kind: 'pendingReview' },
    who: 'reviewer',
    when: 'always',
    say: ['通过', '审核', '待审核', '要审核的', '哪些要审核', '谁等审核', 'approve', 'review'],
  },
  {
    means: ask('owed'),
    who: 'anyone',
    when: 'always',
    say: [
      '还差什么',
      '我家还差什么',
      '我还差什么',
      '差什么',
      '还差啥',
      '还差哪些',
      '还差哪几项',
      '还缺什么',
      '缺什么',
      '还要拍什么',
      '还要交什么',
      '我交齐了吗',
      '我完成了吗',
      '我弄好了吗',
      '齐了吗',
      '我的进度',
    ],
  },
  {
    means: ask('deadline'),
    who: 'anyone',
    when: 'always',
    say: [
      '截止哪天',
      '截止日期是哪天',
      '截止日期',
      '截止时间',
      '什么时候截止',
      '几号截止',
      '哪天截止',
      '最后期限',
      '期限是哪天',
      '几号前交',
      '什么时候交',
    ],
  },
  {
    means: ask('howto'),
    who: 'anyone',
    when: 'always',
    say: [
      '怎么拍',
      '要拍哪些照片',
      '拍哪些照片',
      '拍什么',
      '要拍什么',
      '拍哪些',
      '怎么弄',
      '怎么搞',
      '怎么操作',
      '怎么做',
      '咋弄',
      '不会弄',
      '照片怎么发',
      '怎么交照片',
      '怎么自查',
    ],
  },
  {
    means: ask('who_missing'),
    who: 'reviewer',
    when: 'always',
    say: ['谁还没交', '还有谁没交', '谁没交', '哪些人没交', '谁还没完成', '还有谁没完成', '谁还没弄', '哪几户没交'],
  },
  {
    means: ask('hello'),
    who: 'anyone',
    when: 'addressed',
    say: ['你好', '您好', '在吗', '在不在', '哈喽', 'hello', 'hi', '早上好', '你好啊', '机器人'],
  },
  { means: ask('report'), who: 'anyone', when: 'addressed', say: ['我要举报', '我想举报', '举报', '怎么举报', '我要投诉'] },
];

/** Names of the bot that make a message addressed to it even without an @mention (`机器人你好`). */
export const BOT_NAMES: readonly string[] = ['安心房东', '机器人', '小助手', '助手'];

/** Polite lead-ins and endings dropped before a question is matched (`请问截止日期是哪天呀`). */
export const LEAD_INS: readonly string[] = ['请问一下', '请问', '问一下', '想问下', '想问一下', '麻烦问下', '那个'];
export const ENDINGS: readonly string[] = ['呢', '呀', '啊', '哦', '噢', '了', '吧', '哈'];

/**
 * Item words, as people and the bot itself say them. Exact (or with only filler words
 * around them, below) they name the item; inside another short sentence only when the bot
 * waits for an item.
 */
export const ITEM_PHRASES: Record<ChecklistItem, readonly string[]> = {
  smoke: ['烟感', '烟感报警器', '烟雾报警器', '烟感器', '烟雾探测器', '烟报', 'smoke', 'smokedetector', 'smokealarm'],
  extinguisher: ['灭火器', '灭火瓶', 'extinguisher', 'fireextinguisher'],
  ebike: ['电动车', '电动自行车', '电瓶车', '电车', '充电', '电动车停放充电', '电动车停放', '电动车充电', '停车充电', 'ebike'],
  exit: [
    '通道',
    '疏散通道',
    '安全出口',
    '疏散通道安全出口',
    '出口',
    '消防通道',
    '安全通道',
    '楼道',
    '走廊',
    '楼梯',
    '楼梯间',
    'exit',
    'exits',
  ],
  wiring: ['用电', '用电安全', '电线', '插线板', '插座', '线路', '电路', '配电箱', 'wiring'],
  kit: ['四件套', '应急四件套', '应急包', 'kit'],
  placard: ['钉牌', '房屋钉牌', '门牌', '门牌号', '房屋编号牌', 'placard'],
};

/** Words that may stand around an item word without changing what it names (`这是灭火器`, `烟感已检查👍`). */
export const ITEM_FILLERS: readonly string[] = [
  '这是',
  '这个是',
  '这张是',
  '这张',
  '是',
  '的',
  '照片',
  '相片',
  '图片',
  '图',
  '已检查',
  '检查了',
  '检查好了',
  '已拍',
  '拍好了',
  '拍了',
  '已经',
  '已',
  '好了',
  '正常',
  '没问题',
  '完成',
  '已完成',
  'ok',
  '我家',
  '我的',
  '发',
  '发了',
  '上传',
  '一张',
];

/**
 * A commitment in more words: `承诺`/`保证` (or `同意` with `承诺书`) with only these words
 * after it (`我承诺，一定做好消防安全`, `本人承诺遵守`). Anything else after it is not a
 * commitment: `承诺书在哪里看`, `我同意你说的`.
 */
export const COMMIT_LEADS: readonly string[] = ['我', '本人', '我们', '我家', '我也', '已', '已经', '愿意', '郑重', '会', '一定'];
export const COMMIT_WORDS: readonly string[] = ['承诺', '保证'];
export const COMMIT_TAILS: readonly string[] = [
  '一定',
  '做好',
  '做到',
  '遵守',
  '履行',
  '执行',
  '落实',
  '配合',
  '严格',
  '认真',
  '按要求',
  '按照',
  '要求',
  '规定',
  '承诺书',
  '承诺',
  '书',
  '内容',
  '以上',
  '消防安全',
  '消防',
  '安全',
  '工作',
  '各项',
  '条款',
  '的',
  '和',
  '好',
  '到',
  '会',
  '我',
  '保证',
  '签字',
  '签名',
  '同意',
];

/**
 * Homophone slips of the few command words (pinyin input): a word whose toneless pinyin is
 * one of these is that word (`成诺`, `承若`, `城诺` → 承诺). Front/back nasals and n/l/r are
 * the usual slips.
 */
export const SOUNDS_LIKE: Record<string, readonly string[]> = {
  承诺: ['cheng nuo', 'chen nuo', 'cheng ruo', 'cheng luo', 'chen ruo'],
  帮助: ['bang zhu', 'ban zhu'],
  进度: ['jin du', 'jing du'],
  催办: ['cui ban'],
};

/** Verbs of the head's review, before or after the codes (`通过 PD0001 PD0002`, `PD0001通过`). */
export const APPROVE_VERBS: readonly string[] = ['通过', '审核通过', '同意通过', '合格', 'approve', 'approved'];
export const RETURN_VERBS: readonly string[] = ['退回', '打回', '不通过', 'return'];

/** Marks of a question or a negation: a sentence with one is never a commitment or an item. */
export const NOT_A_STATEMENT = /[不没未别吗嘛么呢哪谁啥几咋如?？]|为什么|怎么|请回复|多少/u;

/**
 * News about an item rather than its name (`楼道的灯坏了`, `电动车被偷了`): a sentence with one
 * of these is never taken for an item, even while the bot waits for one.
 */
export const NOT_AN_ITEM = /[坏偷钱买卖响掉找装修]|注意|编号|过期|起火|着火|竟然|震惊|暖器/u;
