package io.couponsync.jobs.decode;

import java.io.IOException;

/**
 * One input line as the command's mode reads it: the values it needs, or why the line has none. Reused from line
 * to line; read on the read-ahead thread, answered on the command's.
 */
interface InputLine {

	/** Reads the current line's values, replacing the last line's; a line that is not of the form sets the reason. */
	void read(LineInput line) throws IOException;

	/** Why the line could not be read, or null. */
	String error();
}
