package io.couponsync.simulator.ledger;

import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.couponsync.chain.Base58;

/**
 * The simulated chain: slots, the transactions that landed in them, and every account's versions. A transaction
 * lands processed in the current slot, is confirmed {@code confirmationDepth} slots later and finalized
 * {@code finalizationDepth} slots later (both may be 0, as under Alpenglow). A fork drops every transaction of
 * the unfinalized slots from a given slot on and rolls their account writes back. Thread-safe: one monitor.
 */
public final class Ledger {

	/**
	 * @param confirmationDepth slots from processed to confirmed
	 * @param finalizationDepth slots from processed to finalized (at least confirmationDepth)
	 * @param statusCacheSlots how far back getSignatureStatuses sees without searchTransactionHistory
	 * @param genesisUnixTime block time of slot 0
	 * @param slotMillis nominal slot length, for block times
	 */
	public record Config(int confirmationDepth, int finalizationDepth, int statusCacheSlots, long genesisUnixTime,
			long slotMillis) {

		public Config {
			if (confirmationDepth < 0 || finalizationDepth < confirmationDepth) {
				throw new IllegalArgumentException("need 0 <= confirmationDepth <= finalizationDepth");
			}
		}

		public static Config towerBft() {
			return new Config(1, 32, 300, 1_767_225_600L, 400);
		}
	}

	private final Config config;

	private final Random random;

	private final List<LedgerListener> listeners = new CopyOnWriteArrayList<>();

	private long slot;

	private final List<LedgerTransaction> transactions = new ArrayList<>();

	private final Map<String, LedgerTransaction> bySignature = new HashMap<>();

	private final Map<Long, List<LedgerTransaction>> bySlot = new HashMap<>();

	private final Map<String, Deque<AccountVersion>> accounts = new LinkedHashMap<>();

	private final Set<Long> skippedSlots = new HashSet<>();

	private final Map<Long, String> blockhashes = new HashMap<>();

	/** Seconds the clock was moved forward, from the slot that is the key on (cumulative). */
	private final ConcurrentSkipListMap<Long, Long> clockJumps = new ConcurrentSkipListMap<>();

	public Ledger(Config config, long seed) {
		this.config = config;
		this.random = seed == 0 ? new SecureRandom() : new Random(seed);
		this.slot = 1;
		blockhashes.put(0L, randomBase58(32));
		blockhashes.put(1L, randomBase58(32));
	}

	public Config config() {
		return config;
	}

	public void addListener(LedgerListener listener) {
		listeners.add(listener);
	}

	public void removeListener(LedgerListener listener) {
		listeners.remove(listener);
	}

	public synchronized long slot() {
		return slot;
	}

	public synchronized long slot(Commitment commitment) {
		return switch (commitment) {
			case PROCESSED -> slot;
			case CONFIRMED -> Math.max(0, slot - config.confirmationDepth());
			case FINALIZED -> Math.max(0, slot - config.finalizationDepth());
		};
	}

	/** The slot's timestamp: genesis plus the nominal slot length, plus every jump of the clock before it. */
	public long blockTime(long atSlot) {
		Map.Entry<Long, Long> jumped = clockJumps.floorEntry(atSlot);
		return config.genesisUnixTime() + atSlot * config.slotMillis() / 1000
				+ (jumped == null ? 0 : jumped.getValue());
	}

	/**
	 * Moves the clock forward: the next slot (and every later one) starts {@code seconds} later than it would,
	 * as after a cluster halt. Slots already produced keep their block time. Programs whose instructions wait
	 * for hours or days (auctions, deals, stakes) need this to progress in a test's few hundred slots.
	 */
	public synchronized void advanceClock(long seconds) {
		if (seconds < 0) {
			throw new IllegalArgumentException("the clock only moves forward");
		}
		Map.Entry<Long, Long> last = clockJumps.lastEntry();
		long total = (last == null ? 0 : last.getValue()) + seconds;
		clockJumps.put(slot + 1, total);
	}

	public synchronized String blockhash(long atSlot) {
		return blockhashes.get(atSlot);
	}

	/**
	 * Runs {@code work} while the slot cannot move on, as a bank executes a transaction: an instruction that reads the
	 * Clock and then lands is landed in the block whose time it read.
	 */
	public synchronized <T> T inOneSlot(Supplier<T> work) {
		return work.get();
	}

	/** Lands a transaction in the current slot and applies its writes (none if it failed). */
	public synchronized LedgerTransaction submit(TransactionDraft draft) {
		return land(randomBase58(64), draft);
	}

	/**
	 * Lands a transaction a fork dropped again, in the current slot, as a cluster does when its sender (or a
	 * leader that still holds it) resubmits it while its blockhash is valid: same signature, same writes.
	 */
	public synchronized LedgerTransaction reland(LedgerTransaction dropped) {
		return reland(dropped, dropped.draft());
	}

	/** As {@link #reland(LedgerTransaction)}, executed as {@code draft} this time (it ran against other state). */
	public synchronized LedgerTransaction reland(LedgerTransaction dropped, TransactionDraft draft) {
		if (bySignature.containsKey(dropped.signature())) {
			throw new IllegalArgumentException(dropped.signature() + " is on the chain already");
		}
		return land(dropped.signature(), draft);
	}

	private LedgerTransaction land(String signature, TransactionDraft draft) {
		List<LedgerTransaction> block = bySlot.computeIfAbsent(slot, s -> new ArrayList<>());
		LedgerTransaction transaction = new LedgerTransaction(signature, slot, block.size(), blockTime(slot),
				blockhashes.get(slot - 1), draft);
		block.add(transaction);
		transactions.add(transaction);
		bySignature.put(transaction.signature(), transaction);
		if (draft.err() == null) {
			for (AccountWrite write : draft.writes()) {
				accounts.computeIfAbsent(write.address(), a -> new ArrayDeque<>())
					.addLast(new AccountVersion(write.address(), write.owner(), write.lamports(), write.data(), slot,
							transaction.signature()));
			}
		}
		notify(transaction, Commitment.PROCESSED);
		if (config.confirmationDepth() == 0) {
			notify(transaction, Commitment.CONFIRMED);
		}
		if (config.finalizationDepth() == 0) {
			notify(transaction, Commitment.FINALIZED);
		}
		return transaction;
	}

	/** Starts the next slot; transactions that reach confirmed or finalized with it are announced. */
	public synchronized long advanceSlot() {
		long parent = slot;
		slot++;
		blockhashes.put(slot, randomBase58(32));
		for (LedgerListener listener : listeners) {
			listener.onSlot(slot, parent, slot(Commitment.FINALIZED));
		}
		announceAt(slot - config.confirmationDepth(), Commitment.CONFIRMED, config.confirmationDepth() > 0);
		announceAt(slot - config.finalizationDepth(), Commitment.FINALIZED, config.finalizationDepth() > 0);
		return slot;
	}

	private void announceAt(long reached, Commitment commitment, boolean delayed) {
		if (!delayed || reached < 0) {
			return;
		}
		for (LedgerTransaction transaction : bySlot.getOrDefault(reached, List.of())) {
			notify(transaction, commitment);
		}
	}

	private void notify(LedgerTransaction transaction, Commitment commitment) {
		for (LedgerListener listener : listeners) {
			listener.onTransaction(transaction, commitment);
		}
	}

	/**
	 * A fork abandons every slot from {@code fromSlot} to the tip: their transactions are gone (no status, no
	 * transaction, not listed) and their account writes rolled back. The chain goes on from the next slot.
	 * @return the transactions dropped, in landing order
	 */
	public synchronized List<LedgerTransaction> forkFrom(long fromSlot) {
		if (fromSlot <= slot(Commitment.FINALIZED)) {
			throw new IllegalArgumentException("slot " + fromSlot + " is finalized (root "
					+ slot(Commitment.FINALIZED) + "); a fork cannot drop it");
		}
		List<LedgerTransaction> dropped = new ArrayList<>();
		for (Iterator<LedgerTransaction> it = transactions.iterator(); it.hasNext();) {
			LedgerTransaction transaction = it.next();
			if (transaction.slot() >= fromSlot) {
				dropped.add(transaction);
				bySignature.remove(transaction.signature());
				it.remove();
			}
		}
		for (long s = fromSlot; s <= slot; s++) {
			bySlot.remove(s);
			skippedSlots.add(s);
		}
		for (Iterator<Deque<AccountVersion>> it = accounts.values().iterator(); it.hasNext();) {
			Deque<AccountVersion> versions = it.next();
			while (!versions.isEmpty() && versions.peekLast().slot() >= fromSlot) {
				versions.removeLast();
			}
			if (versions.isEmpty()) {
				it.remove();
			}
		}
		// why: the new branch starts past the abandoned slots, as a real fork's slots keep counting
		advanceSlot();
		return dropped;
	}

	public synchronized LedgerTransaction transaction(String signature) {
		return bySignature.get(signature);
	}

	/** The commitment a transaction has reached, or null when the ledger does not (or no longer) hold it. */
	public synchronized Commitment commitmentOf(LedgerTransaction transaction) {
		if (bySignature.get(transaction.signature()) != transaction) {
			return null;
		}
		if (transaction.slot() <= slot(Commitment.FINALIZED)) {
			return Commitment.FINALIZED;
		}
		return transaction.slot() <= slot(Commitment.CONFIRMED) ? Commitment.CONFIRMED : Commitment.PROCESSED;
	}

	public synchronized boolean isSkipped(long atSlot) {
		return skippedSlots.contains(atSlot);
	}

	public synchronized List<LedgerTransaction> block(long atSlot) {
		return List.copyOf(bySlot.getOrDefault(atSlot, List.of()));
	}

	/** Every landed transaction (not dropped), in chain order. */
	public synchronized List<LedgerTransaction> transactions() {
		return List.copyOf(transactions);
	}

	public synchronized int transactionCount() {
		return transactions.size();
	}

	/**
	 * Signatures of transactions whose account keys include the address, newest first, as getSignaturesForAddress
	 * walks them: strictly before {@code before}, down to (not including) {@code until}.
	 */
	public synchronized List<LedgerTransaction> signaturesFor(String address, String before, String until, int limit,
			Commitment commitment) {
		long maxSlot = slot(commitment);
		int start = transactions.size() - 1;
		if (before != null) {
			LedgerTransaction anchor = bySignature.get(before);
			if (anchor == null) {
				return List.of();
			}
			start = transactions.indexOf(anchor) - 1;
		}
		List<LedgerTransaction> found = new ArrayList<>();
		for (int i = start; i >= 0 && found.size() < limit; i--) {
			LedgerTransaction transaction = transactions.get(i);
			if (transaction.signature().equals(until)) {
				break;
			}
			if (transaction.slot() <= maxSlot && transaction.draft().accountKeys().contains(address)) {
				found.add(transaction);
			}
		}
		return found;
	}

	/**
	 * Accounts read together with the slot they are read at, as one bank answers a read: the slot and every account
	 * come from the same moment, so no transaction lands between them.
	 */
	public record AccountsAt(long slot, List<AccountVersion> accounts) {
	}

	/** The account as of the commitment's slot, or null if it does not exist (or is closed) there. */
	public synchronized AccountVersion account(String address, Commitment commitment) {
		return accountAt(address, slot(commitment));
	}

	/** The accounts (null where one does not exist) as of the commitment's slot, with that slot. */
	public synchronized AccountsAt accounts(List<String> addresses, Commitment commitment) {
		return accountsAt(addresses, slot(commitment));
	}

	/** The accounts as of {@code atSlot} (a node that has not gone further), with that slot. */
	public synchronized AccountsAt accountsAt(List<String> addresses, long atSlot) {
		List<AccountVersion> found = new ArrayList<>(addresses.size());
		for (String address : addresses) {
			found.add(accountAt(address, atSlot));
		}
		return new AccountsAt(atSlot, Collections.unmodifiableList(found));
	}

	/**
	 * Every open account of the owner as of the commitment's slot that passes the filter, in creation order, with
	 * that slot.
	 */
	public synchronized AccountsAt programAccounts(String owner, Commitment commitment,
			Predicate<AccountVersion> filter) {
		long atSlot = slot(commitment);
		List<AccountVersion> found = new ArrayList<>();
		for (String address : accounts.keySet()) {
			AccountVersion version = accountAt(address, atSlot);
			if (version != null && version.owner().equals(owner) && filter.test(version)) {
				found.add(version);
			}
		}
		return new AccountsAt(atSlot, Collections.unmodifiableList(found));
	}

	/** The account as it was at the end of a slot, or null if it did not exist (or was closed) then. */
	public synchronized AccountVersion accountAt(String address, long maxSlot) {
		Deque<AccountVersion> versions = accounts.get(address);
		if (versions == null) {
			return null;
		}
		for (Iterator<AccountVersion> it = versions.descendingIterator(); it.hasNext();) {
			AccountVersion version = it.next();
			if (version.slot() <= maxSlot) {
				return version.closed() ? null : version;
			}
		}
		return null;
	}

	public synchronized String randomBase58(int bytes) {
		byte[] value = new byte[bytes];
		random.nextBytes(value);
		return Base58.encode(value);
	}
}
