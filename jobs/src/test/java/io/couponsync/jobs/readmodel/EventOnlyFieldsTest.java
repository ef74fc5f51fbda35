package io.couponsync.jobs.readmodel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.couponsync.chain.idl.Idl;
import io.couponsync.chain.idl.IdlEvent;
import io.couponsync.chain.idl.IdlLoader;
import io.couponsync.chain.idl.IdlType;
import io.couponsync.chain.idl.IdlTypeDefinition;
import io.couponsync.chain.value.FieldName;

/** The event-only fields a fork's undo gives back name events and fields the program's IDL has. */
class EventOnlyFieldsTest {

	private static final Idl IDL = IdlLoader.load(Path.of("..", "config", "idl", "discount_platform.json"));

	@Test
	void everySetterNamesAnEventOfTheIdlAndFieldsItCarries() {
		assertThat(Projections.EVENT_ONLY_FIELDS).isNotEmpty();
		for (Projections.EventOnlyField field : Projections.EVENT_ONLY_FIELDS) {
			assertThat(Projections.COLLECTIONS).as(field.toString()).contains(field.collection());
			assertThat(field.setters()).as(field.toString()).isNotEmpty();
			for (Projections.Setter setter : field.setters()) {
				List<String> carried = fieldsOf(setter.event());
				assertThat(carried).as("%s of %s", setter.keyField(), setter.event()).contains(setter.keyField());
				if (setter.valueField() != null) {
					assertThat(carried).as("%s of %s", setter.valueField(), setter.event())
						.contains(setter.valueField());
				}
			}
		}
	}

	/** The event's fields as the read model's data names them (camelCase). */
	private static List<String> fieldsOf(String eventName) {
		IdlEvent event = IDL.events().stream().filter(candidate -> candidate.name().equals(eventName)).findFirst()
			.orElseThrow(() -> new AssertionError("no event " + eventName + " in the IDL"));
		String typeName = event.type() instanceof IdlType.Defined defined ? defined.name() : eventName;
		IdlTypeDefinition.Struct body = (IdlTypeDefinition.Struct) IDL.type(typeName).body();
		return body.fields().stream().map(field -> FieldName.of(field.name()).camelCase()).toList();
	}
}
