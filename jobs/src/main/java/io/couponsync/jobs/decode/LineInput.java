package io.couponsync.jobs.decode;

import java.io.Flushable;
import java.io.IOException;
import java.io.InputStream;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.async.ByteArrayFeeder;
import tools.jackson.core.json.JsonFactory;

/**
 * The command's input, one line at a time, as JSON tokens read straight from the bytes: no line becomes a String.
 * Lines end as for {@link java.io.BufferedReader#readLine()} ({@code \n}, {@code \r} or {@code \r\n}; the last needs
 * none). Each line goes to one non-blocking Jackson parser, fed from a fixed buffer: a line longer than the buffer
 * is fed piece by piece, so a line of any length needs only the buffer (and the values the caller keeps).
 * <p>
 * One parser reads line after line while they are well formed, since making a parser costs more than reading a
 * typical line; a line that leaves it mid-value gets a fresh one for the next line.
 */
final class LineInput {

	/** What the parser gets after each line's bytes, so a value cut short at the line's end is an error there. */
	private static final byte[] LINE_END = { '\n' };

	/** What each parser reads before the first line. */
	private static final byte[] FIRST_VALUE = { '0', '\n' };

	/** Lines one parser reads at most: bounds the names its symbol table collects from unknown fields. */
	private static final int LINES_PER_PARSER = 4096;

	private final InputStream in;

	private final Flushable readSoFar;

	private final JsonFactory json = new JsonFactory();

	private final byte[] buffer;

	/** The first byte not yet handed on. */
	private int position;

	/** The end of the bytes read so far. */
	private int limit;

	/** Bytes moved out of the buffer's start so far. */
	private long dropped;

	private boolean endOfInput;

	/** The last line ended with {@code \r}: a {@code \n} right after it belongs to that line's end. */
	private boolean skipLineFeed;

	/** Where the current line ends in the buffer, or -1 while its end is not read yet. */
	private int lineEnd;

	/** The current line and {@link #LINE_END} are all in the parser. */
	private boolean lineFed;

	/** The parser read the current line to its end and stands between values, ready for the next line. */
	private boolean lineClean;

	private JsonParser parser;

	private ByteArrayFeeder feeder;

	private int parserLines;

	/**
	 * @param readSoFar flushed before the input is waited for, so that an interactive pipe gets the answers to the
	 * lines it gave before it gives the next
	 */
	LineInput(InputStream in, int bufferSize, Flushable readSoFar) {
		this.in = in;
		this.buffer = new byte[Math.max(bufferSize, 1)];
		this.readSoFar = readSoFar;
	}

	/** Input bytes read and handed on so far. */
	long consumed() {
		return dropped + position;
	}

	/** Moves to the next line; false at the end of the input. The previous line must have been {@link #finish}ed. */
	boolean next() throws IOException {
		if (!hasInput()) {
			return false;
		}
		if (skipLineFeed) {
			skipLineFeed = false;
			if (buffer[position] == '\n') {
				position++;
				if (!hasInput()) {
					return false;
				}
			}
		}
		locateLine();
		if (parser == null || parserLines == LINES_PER_PARSER) {
			openParser();
		}
		parserLines++;
		lineFed = false;
		lineClean = false;
		feedBuffered();
		return true;
	}

	/** The line's next token; null at the line's end, after a complete value or none. */
	JsonToken nextToken() throws IOException, InputLineException {
		JsonToken token = parser.nextToken();
		while (token == JsonToken.NOT_AVAILABLE) {
			if (!feedMore()) {
				TokenStreamContext context = parser.streamReadContext();
				if (context.inRoot()) {
					lineClean = true;
					return null;
				}
				throw new InputLineException("not valid JSON: the line ends inside "
						+ (context.inArray() ? "an array" : "an object"));
			}
			token = parser.nextToken();
		}
		return token;
	}

	/** The next property's name, or null when the next token is not one. */
	String nextName() throws IOException, InputLineException {
		return nextToken() == JsonToken.PROPERTY_NAME ? parser.currentName() : null;
	}

	JsonToken currentToken() {
		return parser.currentToken();
	}

	/** The current string value. */
	String getString() {
		return parser.getString();
	}

	/** Skips the object or array that starts at the current token, unread; other tokens need no skipping. */
	void skipChildren() throws IOException, InputLineException {
		JsonToken token = parser.currentToken();
		if (token != JsonToken.START_OBJECT && token != JsonToken.START_ARRAY) {
			return;
		}
		int open = 1;
		while (open > 0) {
			token = nextToken();
			if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
				open++;
			}
			else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
				open--;
			}
		}
	}

	/** Skips what the caller left of the current line, and the line's end. */
	void finish() throws IOException {
		while (lineEnd < 0) {
			if (position == limit && !fill()) {
				lineEnd = position;
			}
			else {
				lineEnd = findLineEnd(position, limit);
				position = lineEnd >= 0 ? lineEnd : limit;
			}
		}
		position = lineEnd;
		if (position < limit) {
			skipLineFeed = buffer[position] == '\r';
			position++;
		}
		if (!lineClean) {
			// why: a parser left inside a value, or with bytes of this line unread, cannot read the next line
			parser.close();
			parser = null;
		}
	}

	private void openParser() {
		if (parser != null) {
			parser.close();
		}
		parser = json.createNonBlockingByteArrayParser(ObjectReadContext.empty());
		feeder = (ByteArrayFeeder) parser.nonBlockingInputFeeder();
		// why: a parser skips a byte order mark before its first value only; behind this one, every line meets
		// the same parser state, whichever parser reads it
		feeder.feedInput(FIRST_VALUE, 0, FIRST_VALUE.length);
		while (parser.nextToken() != JsonToken.NOT_AVAILABLE) {
			// the value and its line end
		}
		parserLines = 0;
	}

	/** Finds where the line at position ends, reading more while the buffer has room; -1 if it outgrows it. */
	private void locateLine() throws IOException {
		int scanned = position;
		while (true) {
			int end = findLineEnd(scanned, limit);
			if (end >= 0 || endOfInput) {
				lineEnd = end >= 0 ? end : limit;
				return;
			}
			if (position == 0 && limit == buffer.length) {
				lineEnd = -1;
				return;
			}
			// why: fill moves the unread bytes to the buffer's start; what was scanned stays scanned
			int shift = position;
			scanned = limit;
			fill();
			scanned -= shift;
		}
	}

	/** Hands the parser the line's bytes the buffer holds. */
	private void feedBuffered() {
		int end = lineEnd >= 0 ? lineEnd : limit;
		if (end > position) {
			feeder.feedInput(buffer, position, end);
			position = end;
		}
	}

	/**
	 * Hands the parser more of the line once it has read all it was given: the line's next bytes, or its end.
	 * False when the line is all in.
	 */
	private boolean feedMore() throws IOException {
		if (lineFed) {
			return false;
		}
		if (lineEnd < 0) {
			// why: the parser has read the whole buffer, so it can be refilled under it
			if (fill()) {
				lineEnd = findLineEnd(position, limit);
			}
			else {
				lineEnd = position;
			}
			if ((lineEnd >= 0 ? lineEnd : limit) > position) {
				feedBuffered();
				return true;
			}
		}
		feeder.feedInput(LINE_END, 0, LINE_END.length);
		lineFed = true;
		return true;
	}

	private boolean hasInput() throws IOException {
		return position < limit || fill();
	}

	/** Reads more input after the unread bytes, first moving them to the buffer's start; false at the end. */
	private boolean fill() throws IOException {
		if (endOfInput) {
			return false;
		}
		if (position > 0) {
			System.arraycopy(buffer, position, buffer, 0, limit - position);
			limit -= position;
			dropped += position;
			position = 0;
		}
		if (!inputWaiting()) {
			readSoFar.flush();
		}
		int count;
		do {
			count = in.read(buffer, limit, buffer.length - limit);
		}
		while (count == 0);
		if (count < 0) {
			endOfInput = true;
			return false;
		}
		limit += count;
		return true;
	}

	private boolean inputWaiting() {
		try {
			return in.available() > 0;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private int findLineEnd(int from, int to) {
		byte[] bytes = buffer;
		for (int i = from; i < to; i++) {
			byte b = bytes[i];
			if (b == '\n' || b == '\r') {
				return i;
			}
		}
		return -1;
	}
}
