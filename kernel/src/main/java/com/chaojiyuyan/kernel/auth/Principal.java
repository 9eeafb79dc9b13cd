package com.chaojiyuyan.kernel.auth;

/** The authenticated caller of a request: a person (owner) or a program acting for one (agent). */
public sealed interface Principal {

    /** The owner whose resources this caller reaches (for an agent, its owner). */
    String ownerId();

    /** An owner signed in with a session token. */
    record Owner(String ownerId, String email, boolean admin, String sessionId) implements Principal {
    }

    /** An agent authenticated by one of its keys. */
    record Agent(String agentId, String ownerId, String keyId) implements Principal {
    }
}
