package speech.tts.store;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import java.sql.Driver;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * A pooled connection to a shared database (PostgreSQL, or an H2 server) by JDBC URL. Chosen at run
 * time, so one image serves the embedded default and the shared database alike.
 */
public final class Databases {

    private Databases() {
    }

    public static AgroalDataSource pooled(String url, Optional<String> user, Optional<String> password, int maxConnections) {
        Class<? extends Driver> driver = driver(url);
        try {
            return AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                    .connectionPoolConfiguration(pool -> pool
                            .maxSize(maxConnections)
                            .acquisitionTimeout(Duration.ofSeconds(30))
                            .validationTimeout(Duration.ofSeconds(30))
                            .connectionFactoryConfiguration(factory -> {
                                factory.jdbcUrl(url).connectionProviderClass(driver);
                                user.ifPresent(u -> factory.principal(new NamePrincipal(u)));
                                password.ifPresent(p -> factory.credential(new SimplePassword(p)));
                                return factory;
                            })));
        } catch (SQLException e) {
            throw new IllegalStateException("database " + url + " cannot be opened: " + e.getMessage(), e);
        }
    }

    private static Class<? extends Driver> driver(String url) {
        if (url.startsWith("jdbc:postgresql:")) {
            return org.postgresql.Driver.class;
        }
        if (url.startsWith("jdbc:h2:")) {
            return org.h2.Driver.class;
        }
        throw new IllegalArgumentException("tts.storage.database.url: unsupported database " + url
                + " (jdbc:postgresql:… or jdbc:h2:…)");
    }
}
