package io.couponsync.chain.idl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.couponsync.chain.Fixtures;

class IdlLoaderTest {

	@Test
	void loadsTheProjectsIdlOfTheCouponMarketplace() {
		Idl idl = Fixtures.discountPlatform();

		assertThat(idl.address()).isEqualTo("9P3wW4XQH7DntMqfEiLqS6SNztihxfenNUSqECh3WTf3");
		assertThat(idl.events()).hasSize(27);
		assertThat(idl.accounts()).hasSize(18);
		assertThat(idl.events()).extracting(IdlEvent::name).contains("CouponMinted", "CouponSold", "BidPlaced");
		IdlInstruction addComment = idl.instructions().stream().filter(i -> i.name().equals("add_comment")).findFirst()
			.orElseThrow();
		IdlInstruction.Account comment = addComment.accounts().get(0);
		assertThat(comment.name()).isEqualTo("comment");
		assertThat(comment.seeds()).extracting(IdlPdaSeed::kind)
			.containsExactly(IdlPdaSeed.Kind.CONST, IdlPdaSeed.Kind.ACCOUNT, IdlPdaSeed.Kind.ACCOUNT);
		assertThat(new String(comment.seeds().get(0).constant())).isEqualTo("comment");
	}

	@Test
	void loadsEveryTypeKindOfTheNewFormat() {
		Idl idl = Fixtures.idl("all_types.json");

		assertThat(idl.type("Wrapper").genericParameters()).containsExactly("T", "N");
		assertThat(idl.type("Lamports").body()).isEqualTo(new IdlTypeDefinition.Alias(IdlType.Primitive.U64));
		IdlTypeDefinition.Enum shape = (IdlTypeDefinition.Enum) idl.type("Shape").body();
		assertThat(shape.variants().get(0).unit()).isTrue();
		assertThat(shape.variants().get(1).tuple()).isTrue();
		assertThat(shape.variants().get(2).fields()).extracting(IdlField::name).containsExactly("width", "height");
		assertThat(((IdlTypeDefinition.Struct) idl.type("Tuple").body()).fields()).extracting(IdlField::name)
			.containsExactly("0", "1");
		assertThat(idl.events().get(0).discriminator().bytes()).containsExactly(11, 12, 13, 14, 15, 16, 17, 18);
	}

	@Test
	void derivesDiscriminatorsOfTheLegacyFormat() {
		Idl idl = Fixtures.idl("legacy_trade.json");

		assertThat(idl.address()).isEqualTo("LegacyTrade11111111111111111111111111111111");
		// sha256("event:TradeEvent")[0..8], the value Anchor writes into 0.30 IDLs for the same event
		assertThat(idl.events().get(0).discriminator().bytes())
			.containsExactly(189, 219, 127, 211, 78, 230, 97, 238);
		assertThat(idl.accounts().get(0).discriminator().bytes())
			.containsExactly(191, 180, 249, 66, 180, 71, 51, 182);
		IdlTypeDefinition.Struct trade = (IdlTypeDefinition.Struct) idl.type("TradeEvent").body();
		assertThat(trade.fields().get(1).type()).isEqualTo(IdlType.Primitive.PUBKEY);
	}

	@Test
	void reportsWhatIsWrongAndWhere() {
		assertThatThrownBy(() -> IdlLoader.parse("{not json"))
			.isInstanceOf(IdlException.class).hasMessageContaining("not valid JSON");
		assertThatThrownBy(() -> IdlLoader.parse("[]")).hasMessageContaining("not a JSON object");
		assertThatThrownBy(() -> IdlLoader.parse("""
				{"types": [{"name": "A", "type": {"kind": "struct", "fields": [{"name": "x", "type": "u65"}]}}]}"""))
			.hasMessageContaining("types[0].type.fields[0].type: unknown type 'u65'");
		assertThatThrownBy(() -> IdlLoader.parse("""
				{"events": [{"name": "E", "discriminator": [1,2,3,4,5,6,7,8]}], "types": []}"""))
			.hasMessageContaining("events.E: refers to type 'E', which the IDL does not define");
		assertThatThrownBy(() -> IdlLoader.parse("""
				{"events": [{"name": "E", "discriminator": [1,2,3]}], "types": []}"""))
			.hasMessageContaining("events[0].discriminator: expected 8 bytes, found 3");
		assertThatThrownBy(() -> IdlLoader.parse("""
				{"types": [{"name": "A", "type": {"kind": "struct", "fields": [{"name": "x", "type": {"generic": "T"}}]}}]}"""))
			.hasMessageContaining("undeclared generic 'T'");
		assertThatThrownBy(() -> IdlLoader.parse("""
				{"events": [{"name": "A", "discriminator": [1,1,1,1,1,1,1,1]}, {"name": "B", "discriminator": [1,1,1,1,1,1,1,1]}],
				 "types": [{"name": "A", "type": {"kind": "struct", "fields": []}}, {"name": "B", "type": {"kind": "struct", "fields": []}}]}"""))
			.hasMessageContaining("events A and B share discriminator 0101010101010101");
		assertThatThrownBy(() -> IdlLoader.load(Path.of("no", "such.json")))
			.hasMessageContaining("does not exist or cannot be read");
	}
}
