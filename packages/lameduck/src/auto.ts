/**
 * Zero-code adoption: `node --import lameduck/auto app.js` (or NODE_OPTIONS="--import lameduck/auto").
 * Every HTTP server the app creates joins one drain timeline configured by LAMEDUCK_* variables.
 * Import `lameduck` from here to add hooks to that same timeline.
 */
import { installAuto } from './auto-install.js';

export const lameduck = installAuto();
