package io.couponsync.platform.mongo;

import java.util.List;
import java.util.Map;

import de.bwaldvogel.mongo.backend.AbstractUniqueIndex;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.Missing;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * A unique index of the file backend, kept in the H2 map the stock backend keeps it in, under the same name and in
 * the same order, but with its keys stored and compared by {@link UniqueKeyOrder}. (The stock index class cannot be
 * given another key type.) Positions are the documents' keys in the collection's map, as the stock index stores them.
 */
final class FileUniqueIndex extends AbstractUniqueIndex<Object> {

	private final MVMap<Object, Object> positions;

	private FileUniqueIndex(MVMap<Object, Object> positions, String name, List<IndexKey> keys, boolean sparse) {
		super(name, keys, sparse);
		this.positions = positions;
	}

	/** Opens the index {@code mapName} of {@code store}, creating it when absent. */
	static FileUniqueIndex open(MVStore store, String mapName, String name, List<IndexKey> keys, boolean sparse) {
		MVMap<Object, Object> positions = store.openMap(mapName,
				new MVMap.Builder<Object, Object>().keyType(new UniqueKeyOrder()));
		return new FileUniqueIndex(positions, name, keys, sparse);
	}

	@Override
	protected Object removeDocument(KeyValue keyValue) {
		return positions.remove(UniqueKeyOrder.stored(keyValue));
	}

	@Override
	protected boolean putKeyPosition(KeyValue keyValue, Object position) {
		return positions.putIfAbsent(UniqueKeyOrder.stored(keyValue), Missing.ofNullable(position)) == null;
	}

	@Override
	protected Iterable<Map.Entry<KeyValue, Object>> getIterable() {
		// why: the server reads them only to match a regular expression against every key
		return () -> positions.entrySet().stream()
			.map(entry -> Map.entry(UniqueKeyOrder.keyValue(entry.getKey()), entry.getValue()))
			.iterator();
	}

	@Override
	protected Object getPosition(KeyValue keyValue) {
		return positions.get(UniqueKeyOrder.stored(keyValue));
	}

	@Override
	public long getCount() {
		return positions.sizeAsLong();
	}

	@Override
	public boolean isEmpty() {
		return positions.isEmpty();
	}

	@Override
	public long getDataSize() {
		return getCount();
	}
}
