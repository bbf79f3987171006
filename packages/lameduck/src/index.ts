export { formatDuration, parseDuration } from './duration.js';
export { describe, InvalidOptionError, LameduckError, type LameduckErrorCode } from './errors.js';
