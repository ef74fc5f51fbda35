package io.couponsync.listener;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.couponsync.chain.Base58;

class NotificationParserTest {

	private final NotificationParser parser = new NotificationParser();

	private static String logsNotification(String signature) {
		return "{\"jsonrpc\":\"2.0\",\"method\":\"logsNotification\",\"params\":{\"result\":{\"context\":{\"slot\":77},"
				+ "\"value\":{\"signature\":\"" + signature + "\",\"err\":null,\"logs\":[\"Program log: hi\"]}},"
				+ "\"subscription\":3}}";
	}

	@Test
	void readsALogsNotification() {
		byte[] bytes = new byte[64];
		Arrays.fill(bytes, (byte) 9);
		String signature = Base58.encode(bytes);

		assertThat(parser.parse(logsNotification(signature))).isEqualTo(new NotificationParser.Frame.Logs(
				new LogsNotification(signature, 77, null, List.of("Program log: hi"))));
	}

	@Test
	void aSignatureThatIsNotSixtyFourBytesOfBase58IsMalformedNotStaged() {
		byte[] short32 = new byte[32];
		Arrays.fill(short32, (byte) 9);
		for (String signature : new String[] { "", "not-base58-0OIl", Base58.encode(short32) }) {
			assertThat(parser.parse(logsNotification(signature))).as(signature)
				.isInstanceOfSatisfying(NotificationParser.Frame.Malformed.class, malformed -> assertThat(
						malformed.reason()).startsWith("logsNotification whose signature is not 64 bytes in base58"));
		}
	}
}
