#pragma once

// AES-256-GCM sealing for key wraps and backups (private to dokuei_security).

#include "dokuei/security/SecretKey.h"

#include <optional>

#include <QByteArray>
#include <QByteArrayView>

namespace dokuei::security::aesgcm {

constexpr qsizetype kNonceSize = 12;
constexpr qsizetype kTagSize = 16;

/// nonce (12 random bytes) || ciphertext || tag (16 bytes); `aad` is authenticated, not stored.
QByteArray seal(const SecretKey& key, QByteArrayView plaintext, QByteArrayView aad);
/// The plaintext, or nullopt when the tag does not verify (wrong key, altered data or aad) or the input
/// is too short.
std::optional<QByteArray> open(const SecretKey& key, QByteArrayView sealed, QByteArrayView aad);

} // namespace dokuei::security::aesgcm
