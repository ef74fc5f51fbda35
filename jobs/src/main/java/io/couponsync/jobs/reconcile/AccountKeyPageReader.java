package io.couponsync.jobs.reconcile;

import java.util.ArrayList;
import java.util.List;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

/**
 * Reads one partition of a full run's listing as pages of up to 100 addresses, in key order; the last page carries
 * the partition's sweep for documents the listing does not name. Its position (the next key's index) is saved in the partition's ExecutionContext at every chunk, so a restart
 * goes on from the first page not written.
 */
class AccountKeyPageReader implements ItemStreamReader<KeyPage> {

	static final int PAGE = 100;

	private static final String POSITION = "reader.position";

	private static final String EMPTY_DONE = "reader.emptyDone";

	private final KeyListing listing;

	private final long run;

	private final String type;

	private final String collection;

	private final long slot;

	private final int start;

	private final int end;

	private final KeyPage.Sweep sweep;

	private int position;

	private boolean emptyDone;

	private int cachedBlock = -1;

	private List<String> cachedKeys;

	AccountKeyPageReader(KeyListing listing, long run, ExecutionContext partition) {
		this.listing = listing;
		this.run = run;
		this.type = partition.getString(AccountTypePartitioner.TYPE);
		this.collection = partition.getString(AccountTypePartitioner.COLLECTION);
		this.slot = partition.getLong(AccountTypePartitioner.SLOT);
		int count = partition.getInt(AccountTypePartitioner.COUNT);
		this.start = partition.getInt(AccountTypePartitioner.FROM_BLOCK) * KeyListing.BLOCK;
		this.end = Math.min(count, partition.getInt(AccountTypePartitioner.TO_BLOCK) * KeyListing.BLOCK);
		this.sweep = new KeyPage.Sweep(partition.getString(AccountTypePartitioner.LOWER_BOUND),
				partition.containsKey(AccountTypePartitioner.UPPER_BOUND)
						? partition.getString(AccountTypePartitioner.UPPER_BOUND) : null,
				partition.getInt(AccountTypePartitioner.FROM_BLOCK), partition.getInt(AccountTypePartitioner.TO_BLOCK));
	}

	@Override
	public void open(ExecutionContext context) {
		position = context.getInt(POSITION, start);
		emptyDone = context.containsKey(EMPTY_DONE) && (boolean) context.get(EMPTY_DONE);
	}

	@Override
	public void update(ExecutionContext context) {
		context.putInt(POSITION, position);
		context.put(EMPTY_DONE, emptyDone);
	}

	@Override
	public KeyPage read() {
		if (start >= end) {
			// why: a type with no account left still has documents to hand to orphan cleanup
			if (emptyDone) {
				return null;
			}
			emptyDone = true;
			return new KeyPage(type, collection, slot, List.of(), sweep);
		}
		if (position >= end) {
			return null;
		}
		int block = position / KeyListing.BLOCK;
		if (block != cachedBlock) {
			cachedKeys = listing.block(run, type, block);
			cachedBlock = block;
		}
		int offset = position % KeyListing.BLOCK;
		int pageEnd = Math.min(offset + PAGE, Math.min(cachedKeys.size(), end - block * KeyListing.BLOCK));
		List<String> addresses = new ArrayList<>(cachedKeys.subList(offset, pageEnd));
		position = block * KeyListing.BLOCK + pageEnd;
		return new KeyPage(type, collection, slot, addresses, position >= end ? sweep : null);
	}
}
