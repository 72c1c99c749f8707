package dev.portcullis.inventory.ssf.transmitter;

import dev.portcullis.inventory.config.InventorySettings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.lang.JoseException;

/**
 * The keys our CAEP transmitter signs its SETs with: every key of the configured PKCS#12 keystore is published (so a receiver
 * holds the next key before it signs), the one under the signing alias signs. Each key's {@code kid} is its alias.
 */
@ApplicationScoped
public class OwnSigningKeys {

    private static final Logger LOG = Logger.getLogger(OwnSigningKeys.class);

    @Inject
    InventorySettings settings;

    private List<RsaJsonWebKey> published;
    private RsaJsonWebKey signing;

    @PostConstruct
    void load() {
        InventorySettings.Transmitter config = settings.ssf().transmitter();
        if (config.keystore().isEmpty()) {
            try {
                signing = RsaJwkGenerator.generateJwk(2048);
                signing.setKeyId("instance-" + UUID.randomUUID());
            } catch (JoseException e) {
                throw new IllegalStateException(e);
            }
            signing.setUse("sig");
            signing.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
            published = List.of(signing);
            LOG.warn("no portcullis.inventory.ssf.transmitter.keystore: SETs are signed with a key made by this instance at start; with several"
                    + " instances, configure one keystore for all");
            return;
        }
        char[] password = config.keystorePassword().orElse("").toCharArray();
        List<RsaJsonWebKey> keys = new ArrayList<>();
        try (InputStream in = Files.newInputStream(Path.of(config.keystore().get()))) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            for (String alias : Collections.list(store.aliases())) {
                if (!store.isKeyEntry(alias) || !(store.getCertificate(alias).getPublicKey() instanceof RSAPublicKey publicKey)) {
                    continue;
                }
                RsaJsonWebKey key = (RsaJsonWebKey) PublicJsonWebKey.Factory.newPublicJwk(publicKey);
                key.setPrivateKey((PrivateKey) store.getKey(alias, password));
                key.setKeyId(alias);
                key.setUse("sig");
                key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
                keys.add(key);
            }
        } catch (IOException | GeneralSecurityException | JoseException e) {
            throw new IllegalStateException("the transmitter keystore " + config.keystore().get() + " cannot be read: " + e.getMessage(), e);
        }
        String alias = config.signingAlias().orElse(keys.size() == 1 ? keys.get(0).getKeyId() : null);
        signing = keys.stream().filter(k -> k.getKeyId().equals(alias)).findFirst().orElseThrow(() -> new IllegalStateException(
                "the transmitter keystore holds " + keys.stream().map(JsonWebKey::getKeyId).toList() + ": name the signing one"
                        + " (portcullis.inventory.ssf.transmitter.signing-alias)"));
        published = List.copyOf(keys);
        LOG.infof("transmitter keys %s published, %s signs", keys.stream().map(JsonWebKey::getKeyId).toList(), signing.getKeyId());
    }

    /** The JWKS receivers verify our SETs with: public parts only. */
    public String jwks() {
        return new JsonWebKeySet(new ArrayList<JsonWebKey>(published)).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    /** A SET: the claims, signed RS256 by the signing key, {@code typ} {@code secevent+jwt}. */
    public String sign(String claimsJson) {
        try {
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claimsJson);
            jws.setKey(signing.getPrivateKey());
            jws.setKeyIdHeaderValue(signing.getKeyId());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
            jws.setHeader("typ", "secevent+jwt");
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("a SET cannot be signed: " + e.getMessage(), e);
        }
    }
}
