import { Matches } from 'class-validator';

/**
 * Refuses C0 and C1 control characters, NUL included (Unicode category Cc). Text typed by people never holds
 * them; PostgreSQL refuses NUL in `text` (a 500 if it got that far) while SQLite would store it, and the others
 * only serve to forge log lines or confuse whoever displays the value. Refused rather than stripped: the client
 * sent something else than what we would store, and should know.
 */
export const NoControlCharacters = () => Matches(/^\P{Cc}*$/u, { message: '$property must not contain control characters' });
