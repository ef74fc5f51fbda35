package io.couponsync.platform;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.mongodb.autoconfigure.MongoAutoConfiguration;
import org.springframework.context.annotation.Import;

import io.couponsync.platform.config.ProgramConfiguration;
import io.couponsync.platform.mongo.MongoStoreConfiguration;
import io.couponsync.platform.mongo.StagingConfiguration;
import io.couponsync.platform.rpc.RpcConfiguration;

/**
 * What the listener and jobs applications share: validated properties, the compiled IDL, and the MongoDB
 * connection (embedded by default) and the staging collection. Runs before Boot's MongoDB auto-configuration so its
 * connection details win.
 */
@AutoConfiguration(before = MongoAutoConfiguration.class)
@Import({ ProgramConfiguration.class, MongoStoreConfiguration.class, StagingConfiguration.class,
		RpcConfiguration.class })
public class PlatformAutoConfiguration {
}
