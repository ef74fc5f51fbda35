package io.couponsync.simulator.rpc;

import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults a test or the command line turns on: HTTP 429 answers, withheld WebSocket notifications, malformed
 * notifications. Connection drops and forks are actions on the simulator itself. Thread-safe.
 */
public final class Faults {

	private final java.util.concurrent.atomic.AtomicInteger withheldBlocks = new java.util.concurrent.atomic.AtomicInteger();

	private final AtomicInteger tooManyRequests = new AtomicInteger();

	private final AtomicInteger nodeBehind = new AtomicInteger();

	private volatile double tooManyRequestsShare;

	private volatile int retryAfterSeconds = 1;

	private volatile double withheldShare;

	private final Set<String> withheld = Collections.synchronizedSet(new HashSet<>());

	private final AtomicInteger malformedNotifications = new AtomicInteger();

	private final AtomicInteger inflatedNotifications = new AtomicInteger();

	private final Map<String, AtomicInteger> failedCalls = new ConcurrentHashMap<>();

	private volatile int inflationChars;

	private final Random random = new Random(1);

	private final AtomicInteger rejectedHandshakes = new AtomicInteger();

	private volatile boolean silent;

	private volatile long latencyMillis;

	private volatile long firstAvailableSlot;

	private volatile long statusLagSlots;

	private volatile long listingLagSlots;

	private volatile int programAccountsCap = Integer.MAX_VALUE;

	private volatile long accountReadLagSlots;

	private final AtomicInteger accountReads = new AtomicInteger();

	private final AtomicInteger listings = new AtomicInteger();

	/** Answers every HTTP request this long after it arrives, as a distant provider does. */
	public Faults latency(java.time.Duration latency) {
		this.latencyMillis = latency.toMillis();
		return this;
	}

	long latencyMillis() {
		return latencyMillis;
	}

	/** Refuses the next {@code count} WebSocket handshakes with 429 and a Retry-After header. */
	public Faults rejectWebSocketHandshakes(int count) {
		rejectedHandshakes.set(count);
		return this;
	}

	/**
	 * Keeps WebSocket connections open but sends nothing on them (no notification, no pong), as a half-open
	 * connection does; what is not sent meanwhile is lost.
	 */
	public Faults silenceWebSockets(boolean silent) {
		this.silent = silent;
		return this;
	}

	boolean silent() {
		return silent;
	}

	boolean takeRejectedHandshake() {
		return rejectedHandshakes.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
	}

	/** Answers the next {@code count} HTTP requests with 429 Too Many Requests and a Retry-After header. */
	public Faults answerTooManyRequests(int count) {
		tooManyRequests.set(count);
		return this;
	}

	/**
	 * Answers the next {@code count} JSON-RPC calls (each call of a batch counts) with error -32005, "Node is behind
	 * by N slots", inside an HTTP 200 — as a node does while it catches up.
	 */
	public Faults answerNodeBehind(int count) {
		nodeBehind.set(count);
		return this;
	}

	/**
	 * Answers the next {@code count} getBlock calls with a null result, as a node does for a block it does not have
	 * (pruned, or not available from that node yet).
	 */
	public Faults withholdBlocks(int count) {
		withheldBlocks.set(count);
		return this;
	}

	/**
	 * Serves history from this slot on only, as a node whose ledger was pruned below it: getSignaturesForAddress
	 * lists nothing older and answers an empty page for a {@code before} it no longer has; getTransaction answers
	 * null; getBlock answers -32001 (block cleaned up). 0 serves everything.
	 */
	public Faults historyFromSlot(long slot) {
		this.firstAvailableSlot = slot;
		return this;
	}

	long firstAvailableSlot() {
		return firstAvailableSlot;
	}

	/**
	 * Answers getSignatureStatuses as a node this many slots behind the tip that still reports itself healthy, as a
	 * load balancer may reach one: its context slot is that much lower, and it knows no transaction above it (null).
	 * 0 answers from the tip.
	 */
	public Faults lagSignatureStatuses(long slots) {
		this.statusLagSlots = slots;
		return this;
	}

	long statusLagSlots() {
		return statusLagSlots;
	}

	/**
	 * Answers every second getSignaturesForAddress call (the second, the fourth, ...) as a node this many slots behind
	 * that still reports itself healthy, as a load balancer over two nodes, one lagging, does: it lists nothing above its slot, answers an
	 * empty page for a {@code before} above it, and -32016 to a {@code minContextSlot} above it. 0 answers from the tip.
	 */
	public Faults lagSignatureListings(long slots) {
		this.listingLagSlots = slots;
		listings.set(0);
		return this;
	}

	/**
	 * Answers every other getMultipleAccounts call (the first, the third, ...) as a node this many slots behind that
	 * still reports itself healthy: the accounts as of its slot, that slot as the context, and -32016 to a
	 * {@code minContextSlot} above it. 0 answers from the tip.
	 */
	public Faults lagAccountReads(long slots) {
		this.accountReadLagSlots = slots;
		accountReads.set(0);
		return this;
	}

	/** How far behind this getMultipleAccounts call is answered from (every other call while lagging). */
	long takeAccountReadLag() {
		long lag = accountReadLagSlots;
		return lag > 0 && accountReads.getAndIncrement() % 2 == 0 ? lag : 0;
	}

	/**
	 * Answers at most this many accounts per getProgramAccounts, as a provider that caps the answer does (or one
	 * pointed at another cluster, with 0). {@code Integer.MAX_VALUE} answers all.
	 */
	public Faults capProgramAccounts(int accounts) {
		this.programAccountsCap = accounts;
		return this;
	}

	int programAccountsCap() {
		return programAccountsCap;
	}

	/** How far behind this getSignaturesForAddress call is answered from (every other call while lagging). */
	long takeListingLag() {
		long lag = listingLagSlots;
		return lag > 0 && listings.getAndIncrement() % 2 == 1 ? lag : 0;
	}

	boolean takeWithheldBlock() {
		return withheldBlocks.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
	}

	boolean takeNodeBehind() {
		return nodeBehind.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
	}

	/** Answers this share (0-1) of all HTTP requests with 429, until set back to 0. */
	public Faults answerTooManyRequestsShare(double share) {
		this.tooManyRequestsShare = share;
		return this;
	}

	public Faults retryAfterSeconds(int seconds) {
		this.retryAfterSeconds = seconds;
		return this;
	}

	/** Never notifies this share (0-1) of transactions over WebSocket; only a crawl of signatures finds them. */
	public Faults withholdNotificationsShare(double share) {
		this.withheldShare = share;
		return this;
	}

	/** Sends this many malformed frames to every logs subscriber, one before each of the next notifications. */
	public Faults sendMalformedNotifications(int count) {
		malformedNotifications.set(count);
		return this;
	}

	/**
	 * Answers the next {@code count} calls of {@code method} with JSON-RPC's internal error (-32603), which a client
	 * does not retry; other methods answer as usual.
	 */
	public Faults failCalls(String method, int count) {
		failedCalls.put(method, new AtomicInteger(count));
		return this;
	}

	boolean takeFailedCall(String method) {
		AtomicInteger left = failedCalls.get(method);
		return left != null && left.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
	}

	/**
	 * Pads the logs of the next {@code count} transactions' notifications with log lines of {@code chars} characters
	 * in all, as a misbehaving node might send; what getTransaction answers for them stays as it is.
	 */
	public Faults inflateNotifications(int count, int chars) {
		inflationChars = chars;
		inflatedNotifications.set(count);
		return this;
	}

	/** The characters to pad the next notification's logs with: 0 for none. */
	int takeInflation() {
		return inflatedNotifications.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? inflationChars : 0;
	}

	boolean takeTooManyRequests() {
		if (tooManyRequests.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
			return true;
		}
		double share = tooManyRequestsShare;
		return share > 0 && next() < share;
	}

	int retryAfterSeconds() {
		return retryAfterSeconds;
	}

	/** Decided once per transaction, so every commitment level and subscriber agrees. */
	boolean withheld(String signature, boolean firstSight) {
		if (firstSight && withheldShare > 0 && next() < withheldShare) {
			withheld.add(signature);
		}
		return withheld.contains(signature);
	}

	public Set<String> withheldSignatures() {
		synchronized (withheld) {
			return Set.copyOf(withheld);
		}
	}

	boolean takeMalformedNotification() {
		return malformedNotifications.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
	}

	private double next() {
		synchronized (random) {
			return random.nextDouble();
		}
	}
}
