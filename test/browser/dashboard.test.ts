/**
 * Issue 13: the staff dashboard in chromium at a phone's 390×844 and a desktop's 1280×900
 * (the tests: ./dashboard-suite.ts). One file, one app and one browser for both sizes: two
 * files in parallel workers doubled the load and ran slower on a busy machine.
 */
import { SIZES } from '../support/browser';
import { dashboardSuite } from './dashboard-suite';

dashboardSuite(SIZES);
