/**
 * Issue 13: the staff dashboard in chromium at a desktop's 1280×900 (the tests: ./dashboard-suite.ts).
 * The phone's 390×844 is walked page by page by ./phone.test.ts (every page fits, every action on
 * screen), which also works the groups page's cards (a photo opened, a set approved and one returned
 * from their cards): the one part of these workflows whose markup is the phone's own.
 */
import { DESKTOP } from '../support/browser';
import { dashboardSuite } from './dashboard-suite';

dashboardSuite([DESKTOP]);
