package io.couponsync.jobs.finality;

import java.util.stream.Stream;

import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.chain.staging.ChainCommitment;
import io.couponsync.chain.staging.StagedTransaction;
import io.couponsync.chain.staging.StagingRepository;
import io.couponsync.chain.staging.StagingRepository.ChainPosition;
import io.couponsync.jobs.batch.StagedTransactionReader;

/**
 * What the finality step reads: the confirmed staged transactions at or before the cluster's finalized slot. Those
 * above it can be neither finalized nor judged dropped yet, and finalized trails confirmed by about 32 slots: asked
 * about at every run, they would take most of its status calls and reads. The finalized slot is asked (one
 * {@code getSlot}) only when something is confirmed, so a run with nothing to settle makes no call.
 */
final class SettleableTransactions implements StagedTransactionReader.Selection {

	private final StagingRepository staging;

	private final SolanaRpcClient rpc;

	SettleableTransactions(StagingRepository staging, SolanaRpcClient rpc) {
		this.staging = staging;
		this.rpc = rpc;
	}

	@Override
	public Stream<StagedTransaction> after(ChainPosition position, int batchSize) {
		Long oldest = staging.oldestUnsettledSlot();
		if (oldest == null) {
			return Stream.empty();
		}
		long finalized = rpc.getSlot(ChainCommitment.FINALIZED.value());
		return oldest > finalized ? Stream.empty() : staging.toSettle(position, finalized, batchSize);
	}
}
