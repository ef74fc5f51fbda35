package io.couponsync.chain.staging;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.InsertManyOptions;
import org.bson.Document;
import org.bson.types.Binary;

import io.couponsync.chain.Base58;
import io.couponsync.chain.logs.InnerInstruction;

/**
 * {@code staged_transactions} in MongoDB. Insert-if-absent is one unordered insertMany whose duplicate-key errors
 * count as duplicates, so a duplicate (a second notification, a second listener, the crawler) changes nothing,
 * every insert goes through the unique {@code _id} index, and no multi-document transaction is needed.
 */
public final class MongoStagingRepository implements StagingRepository {

	public static final String COLLECTION = "staged_transactions";

	private static final int DUPLICATE_KEY = 11000;

	private final MongoCollection<Document> collection;

	public MongoStagingRepository(MongoDatabase database) {
		this.collection = database.getCollection(COLLECTION);
	}

	/** The indexes the readers of staging need: chain order per status, and commitment per status. */
	public void createIndexes() {
		collection.createIndex(Indexes.ascending("status", "slot", "positionInBlock", "_id"),
				new IndexOptions().name("status_chain_order"));
		collection.createIndex(Indexes.ascending("commitment", "slot"), new IndexOptions().name("commitment_slot"));
	}

	public MongoCollection<Document> collection() {
		return collection;
	}

	@Override
	public InsertResult insertIfAbsent(Collection<StagedTransaction> transactions) {
		if (transactions.isEmpty()) {
			return new InsertResult(0, 0);
		}
		List<Document> documents = new ArrayList<>(transactions.size());
		transactions.forEach(transaction -> documents.add(toDocument(transaction)));
		try {
			collection.insertMany(documents, new InsertManyOptions().ordered(false));
			return new InsertResult(documents.size(), 0);
		}
		catch (MongoBulkWriteException ex) {
			// why: a duplicate key means the signature is staged already; that document is left exactly as it is
			long duplicates = ex.getWriteErrors().stream().filter(error -> error.getCode() == DUPLICATE_KEY).count();
			if (duplicates != ex.getWriteErrors().size()) {
				throw ex;
			}
			return new InsertResult((int) (documents.size() - duplicates), (int) duplicates);
		}
	}

	@Override
	public Optional<StagedTransaction> find(String signature) {
		return Optional.ofNullable(collection.find(Filters.eq("_id", signature)).first())
			.map(MongoStagingRepository::fromDocument);
	}

	@Override
	public List<String> existing(Collection<String> signatures) {
		List<String> found = new ArrayList<>();
		collection.find(Filters.in("_id", signatures)).projection(Projections.include("_id"))
			.forEach(document -> found.add(document.getString("_id")));
		return found;
	}

	@Override
	public long count() {
		return collection.countDocuments();
	}

	public static Document toDocument(StagedTransaction transaction) {
		Document document = new Document("_id", transaction.signature())
			.append("slot", transaction.slot())
			.append("err", transaction.err())
			.append("logs", transaction.logs())
			.append("receivedAt", Date.from(transaction.receivedAt()))
			.append("source", transaction.source().value())
			.append("status", transaction.status().value())
			.append("commitment", transaction.commitment().value());
		if (transaction.blockTime() != null) {
			document.append("blockTime", transaction.blockTime());
		}
		if (transaction.positionInBlock() != null) {
			document.append("positionInBlock", transaction.positionInBlock());
		}
		if (transaction.innerInstructions() != null) {
			List<Document> inner = new ArrayList<>();
			for (InnerInstruction instruction : transaction.innerInstructions()) {
				inner.add(new Document("programId", instruction.programId()).append("data",
						new Binary(instruction.data())));
			}
			document.append("innerInstructions", inner);
		}
		return document;
	}

	public static StagedTransaction fromDocument(Document document) {
		List<InnerInstruction> inner = null;
		List<Document> innerDocuments = document.getList("innerInstructions", Document.class);
		if (innerDocuments != null) {
			inner = new ArrayList<>();
			for (Document instruction : innerDocuments) {
				Object data = instruction.get("data");
				byte[] bytes = data instanceof Binary binary ? binary.getData() : Base58.decode((String) data);
				inner.add(new InnerInstruction(instruction.getString("programId"), bytes));
			}
		}
		Date receivedAt = document.getDate("receivedAt");
		Number blockTime = (Number) document.get("blockTime");
		Number slot = (Number) document.get("slot");
		return new StagedTransaction(document.getString("_id"), slot.longValue(), document.get("err"),
				document.getList("logs", String.class), receivedAt == null ? null : receivedAt.toInstant(),
				StagingSource.of(document.getString("source")), StagingStatus.of(document.getString("status")),
				ChainCommitment.of(document.getString("commitment")),
				blockTime == null ? null : blockTime.longValue(), inner, document.getInteger("positionInBlock"));
	}

}
