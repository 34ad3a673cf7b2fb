import { mock, PuppetMock } from 'wechaty-puppet-mock';

/**
 * Demo mode's WeChat: Wechaty's mock puppet and its Mocker, which the simulator uses
 * to make contacts and rooms and to speak as them. The bot's own account is made here
 * and logged in once the bot has started.
 */
export function createDemoPuppet(botName = '安心房东') {
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  return {
    puppet,
    mocker,
    login(): void {
      const self = mocker.createContact({ name: botName });
      mocker.login(self);
    },
  };
}
