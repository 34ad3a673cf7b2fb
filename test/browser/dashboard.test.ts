/** Issue 13: the staff dashboard in chromium at a phone's 390×844 (the tests: ./dashboard-suite.ts). */
import { SIZES } from '../support/browser';
import { dashboardSuite } from './dashboard-suite';

dashboardSuite([SIZES[0]]);
