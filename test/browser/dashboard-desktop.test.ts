/** Issue 13: the staff dashboard in chromium at a desktop's 1280×900 (the tests: ./dashboard-suite.ts). */
import { SIZES } from '../support/browser';
import { dashboardSuite } from './dashboard-suite';

dashboardSuite([SIZES[1]]);
