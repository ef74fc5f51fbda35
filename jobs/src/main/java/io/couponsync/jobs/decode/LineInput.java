package io.couponsync.jobs.decode;

import java.io.Flushable;
import java.io.IOException;
import java.io.InputStream;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.exc.UnexpectedEndOfInputException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;

/**
 * The command's input, one line at a time, as JSON tokens read straight from the bytes: no line becomes a String.
 * Lines end as for {@link java.io.BufferedReader#readLine()} ({@code \n}, {@code \r} or {@code \r\n}; the last needs
 * none). A line that fits the buffer is parsed in place; a longer one reaches its parser through a stream that ends
 * with the line. Values the caller skips are skipped unread, strings included, so a line of any length needs only
 * the buffer and the values the caller keeps.
 */
final class LineInput {

	private final InputStream in;

	private final Flushable readSoFar;

	/**
	 * Input is UTF-8 by definition, so no parser looks for another encoding; the one reading thread keeps its
	 * parser buffers for the next line's parser.
	 */
	private final JsonFactory json = JsonFactory.builder()
		.disable(TokenStreamFactory.Feature.CHARSET_DETECTION)
		.recyclerPool(JsonRecyclerPools.threadLocalPool())
		.build();

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

	/** Where the current line ends in the buffer, or -1 while it is longer than the buffer and streams. */
	private int lineEnd;

	private final StreamedLine streamedLine = new StreamedLine();

	private JsonParser parser;

	/** A failure to read the input met by the parser, which reports it as a JSON error. */
	private IOException failure;

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
		if (lineEnd >= 0) {
			parser = json.createParser(ObjectReadContext.empty(), buffer, position, lineEnd - position);
		}
		else {
			streamedLine.done = false;
			parser = json.createParser(ObjectReadContext.empty(), streamedLine);
		}
		return true;
	}

	/** The line's next token; null at the line's end, after a complete value or none. */
	JsonToken nextToken() throws IOException, InputLineException {
		try {
			return parser.nextToken();
		}
		catch (JacksonException ex) {
			throw lineError(ex);
		}
	}

	/** The next property's name, or null when the next token is not one. */
	String nextName() throws IOException, InputLineException {
		return nextToken() == JsonToken.PROPERTY_NAME ? parser.currentName() : null;
	}

	JsonToken currentToken() {
		return parser.currentToken();
	}

	/** The current string value. */
	String getString() throws IOException, InputLineException {
		try {
			return parser.getString();
		}
		catch (JacksonException ex) {
			throw lineError(ex);
		}
	}

	/** Skips the object or array that starts at the current token, strings unread; other tokens need no skipping. */
	void skipChildren() throws IOException, InputLineException {
		try {
			parser.skipChildren();
		}
		catch (JacksonException ex) {
			throw lineError(ex);
		}
	}

	/**
	 * What a parser's error means: the input failing (ends the command), the line ending inside a value (a line cut
	 * short), or the parser's own reason, which the caller reports as not valid JSON.
	 */
	private InputLineException lineError(JacksonException error) throws IOException {
		if (failure != null) {
			throw failure;
		}
		// why: Jackson reports some ends of input inside an object as a plain read error, in the same words
		boolean endOfLine = error instanceof UnexpectedEndOfInputException
				|| String.valueOf(error.getOriginalMessage()).startsWith("Unexpected end-of-input");
		if (!endOfLine) {
			throw error;
		}
		TokenStreamContext context = parser.streamReadContext();
		return new InputLineException("not valid JSON: the line ends inside "
				+ (context.inArray() ? "an array" : context.inObject() ? "an object" : "a value"));
	}

	/** Skips what the caller left of the current line, and the line's end. */
	void finish() throws IOException {
		parser.close();
		if (lineEnd >= 0) {
			position = lineEnd;
		}
		else {
			int chunk;
			while ((chunk = streamedLine.chunk(Integer.MAX_VALUE)) > 0) {
				position += chunk;
			}
		}
		if (position < limit) {
			skipLineFeed = buffer[position] == '\r';
			position++;
		}
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
		try {
			do {
				count = in.read(buffer, limit, buffer.length - limit);
			}
			while (count == 0);
		}
		catch (IOException ex) {
			failure = ex;
			throw ex;
		}
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

	/** The current line, longer than the buffer, as a stream that ends where the line ends. */
	private final class StreamedLine extends InputStream {

		private boolean done;

		/** How many bytes of the line are at position, at most max, reading more if none are; 0 at its end. */
		int chunk(int max) throws IOException {
			if (done) {
				return 0;
			}
			if (position == limit && !fill()) {
				done = true;
				return 0;
			}
			int end = (int) Math.min(limit, (long) position + max);
			int terminator = findLineEnd(position, end);
			if (terminator >= 0) {
				done = true;
				end = terminator;
			}
			return end - position;
		}

		@Override
		public int read(byte[] target, int offset, int length) throws IOException {
			if (length == 0) {
				return 0;
			}
			int count = chunk(length);
			if (count == 0) {
				return -1;
			}
			System.arraycopy(buffer, position, target, offset, count);
			position += count;
			return count;
		}

		@Override
		public int read() throws IOException {
			if (chunk(1) == 0) {
				return -1;
			}
			return buffer[position++] & 0xFF;
		}
	}
}
