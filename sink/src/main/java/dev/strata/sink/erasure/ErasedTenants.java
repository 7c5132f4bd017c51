package dev.strata.sink.erasure;

/** Which tenants were erased ({@code restore-tool tenants erase}): the sink parks their new changes instead of storing them. */
@FunctionalInterface
public interface ErasedTenants {
    boolean erased(String tenant);
}
