package io.couponsync.jobs.reconcile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import io.couponsync.chain.ProgramDecoder;
import io.couponsync.chain.rpc.SolanaRpcClient;
import io.couponsync.jobs.accountstate.AccountReadCheckpoints;
import io.couponsync.jobs.readmodel.Projections;

/**
 * Cuts a full run into partitions: one per account type, and a type with more than {@code partitionAccounts}
 * accounts into key ranges of whole listing blocks. Each type's keys are listed once per run (one getProgramAccounts,
 * discriminator filter, no data); a restarted run finds its listing and cuts the same partitions, whose readers then
 * resume at the position their ExecutionContext holds.
 */
class AccountTypePartitioner implements Partitioner {

	private static final Logger log = LoggerFactory.getLogger(AccountTypePartitioner.class);

	static final String TYPE = "type";

	static final String COLLECTION = "collection";

	static final String SLOT = "listingSlot";

	static final String COUNT = "count";

	static final String FROM_BLOCK = "fromBlock";

	static final String TO_BLOCK = "toBlock";

	static final String LOWER_BOUND = "afterKey";

	static final String UPPER_BOUND = "throughKey";

	private final KeyListing listing;

	private final SolanaRpcClient rpc;

	private final ProgramDecoder decoder;

	private final AccountReadCheckpoints checkpoints;

	private final String programId;

	private final String commitment;

	private final int partitionAccounts;

	private final long run;

	private final List<String> types;

	AccountTypePartitioner(KeyListing listing, SolanaRpcClient rpc, ProgramDecoder decoder,
			AccountReadCheckpoints checkpoints, String programId, String commitment, int partitionAccounts, long run,
			List<String> types) {
		this.listing = listing;
		this.rpc = rpc;
		this.decoder = decoder;
		this.checkpoints = checkpoints;
		this.programId = programId;
		this.commitment = commitment;
		this.partitionAccounts = partitionAccounts;
		this.run = run;
		this.types = types;
	}

	@Override
	public Map<String, ExecutionContext> partition(int gridSize) {
		Map<String, ExecutionContext> partitions = new LinkedHashMap<>();
		int blocksPerPartition = Math.max(1, partitionAccounts / KeyListing.BLOCK);
		for (String type : types) {
			KeyListing.Listing keys = listing.find(run, type);
			if (keys == null) {
				// why: never older than the last full listing of the type, whichever node answers
				keys = listing.save(run, type, rpc.listProgramAccountKeys(programId, discriminator(type), commitment,
						checkpoints.full(type)));
				log.info("reconcile: {} {} accounts listed at slot {}", keys.count(), type, keys.slot());
			}
			int parts = Math.max(1, (keys.blocks() + blocksPerPartition - 1) / blocksPerPartition);
			for (int part = 0; part < parts; part++) {
				int from = part * blocksPerPartition;
				int to = Math.min(keys.blocks(), from + blocksPerPartition);
				ExecutionContext context = new ExecutionContext();
				context.putString(TYPE, type);
				context.putString(COLLECTION, Projections.COLLECTION_OF_ACCOUNT_TYPE.get(type));
				context.putLong(SLOT, keys.slot());
				context.putInt(COUNT, keys.count());
				context.putInt(FROM_BLOCK, from);
				context.putInt(TO_BLOCK, to);
				context.putString(LOWER_BOUND, part == 0 ? "" : keys.blockLastKeys().get(from - 1));
				if (part < parts - 1) {
					context.putString(UPPER_BOUND, keys.blockLastKeys().get(to - 1));
				}
				partitions.put(type + "-" + part, context);
			}
		}
		return partitions;
	}

	private byte[] discriminator(String type) {
		return decoder.accounts().stream().filter(account -> account.name().equals(type)).findFirst()
			.orElseThrow(() -> new IllegalArgumentException("the IDL has no account type " + type))
			.discriminator().bytes();
	}
}
