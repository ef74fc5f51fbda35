package io.couponsync.listener;

import java.util.List;

/** A logsNotification's payload: the transaction and the slot its context names. */
record LogsNotification(String signature, long slot, Object err, List<String> logs) {
}
