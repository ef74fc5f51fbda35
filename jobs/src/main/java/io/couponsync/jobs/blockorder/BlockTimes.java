package io.couponsync.jobs.blockorder;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.couponsync.chain.rpc.RpcException;
import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingRepository;

/**
 * Completes staged transactions with their block's time, which a log notification does not carry: the fields the
 * program sets to the Clock's {@code now} are that time (program-semantics §0). One batched getBlockTime per call for
 * the distinct slots lacking it, recorded in staging so the transactions are not asked about again. A slot whose
 * block the node does not give (not yet, or for good) leaves its transactions without; after a failed call the
 * next {@link #PAUSE} asks nothing, so a node that is down does not cost every chunk a timeout. Either way the
 * account reads fill those fields later.
 */
public class BlockTimes {

	private static final Logger log = LoggerFactory.getLogger(BlockTimes.class);

	static final Duration PAUSE = Duration.ofSeconds(30);

	private final StagingRepository staging;

	private final SolanaRpcClient rpc;

	private final Clock clock;

	private volatile Instant pausedUntil = Instant.MIN;

	public BlockTimes(StagingRepository staging, SolanaRpcClient rpc, Clock clock) {
		this.staging = staging;
		this.rpc = rpc;
		this.clock = clock;
	}

	/** The transactions, in their order, those without a block time given it where the node has it. */
	public List<StagedTransaction> complete(List<StagedTransaction> transactions) {
		TreeSet<Long> slots = new TreeSet<>();
		for (StagedTransaction transaction : transactions) {
			if (transaction.blockTime() == null) {
				slots.add(transaction.slot());
			}
		}
		if (slots.isEmpty() || clock.instant().isBefore(pausedUntil)) {
			return transactions;
		}
		Map<Long, Long> times;
		try {
			times = rpc.getBlockTimes(List.copyOf(slots));
		}
		catch (RpcException ex) {
			pausedUntil = clock.instant().plus(PAUSE);
			log.warn("Block times of {} slots not read ({}); their transactions' creation times are left to the "
					+ "account reads, and the next {} s do not ask", slots.size(), ex.getMessage(), PAUSE.toSeconds());
			return transactions;
		}
		if (times.isEmpty()) {
			return transactions;
		}
		List<StagedTransaction> completed = new ArrayList<>(transactions.size());
		Map<String, Long> learned = new HashMap<>();
		for (StagedTransaction transaction : transactions) {
			Long time = transaction.blockTime() == null ? times.get(transaction.slot()) : null;
			if (time != null) {
				learned.put(transaction.signature(), time);
			}
			completed.add(time == null ? transaction : transaction.withBlockTime(time));
		}
		staging.recordBlockTimes(learned);
		return completed;
	}
}
