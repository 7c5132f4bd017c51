package dev.strata.restore.target.postgres;

import java.util.Properties;

/** Connection settings; the password is only ever passed to the driver. */
public record PgConnectionSpec(String jdbcUrl, String user, String password) {
    public Properties properties() {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("ApplicationName", "strata restore-tool");
        return p;
    }

    /** The URL without anything that may hold a secret (user info, parameters). */
    public String describe() {
        String url = jdbcUrl.replaceAll("//[^/@]*@", "//");
        int query = url.indexOf('?');
        return (query < 0 ? url : url.substring(0, query)) + (user == null ? "" : " as " + user);
    }

    @Override
    public String toString() {
        return "PgConnectionSpec[" + describe() + ", password=<redacted>]";
    }
}
