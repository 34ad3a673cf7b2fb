/**
 * WeChat's quoted reply (引用) as a personal-WeChat puppet delivers it: one text, the quote in
 * 「」 with its author, a dashed line, then what the person wrote. The reply is what they said.
 */
const QUOTE = /^「[\s\S]*」\n(?:- ){5,}-?\s*\n?/u;

/** What a person wrote under a quote (the whole text when there is no quote). */
export const withoutQuote = (text: string): string => text.replace(QUOTE, '');

/** A quoted reply as WeChat writes it (the simulator's). */
export const quotedReply = (quote: string, author: string, reply: string): string =>
  `「${author}：${quote}」\n- - - - - - - - - - - - - - -\n${reply}`;
