#include "AesGcm.h"

#include "dokuei/security/KeyDerivation.h"

#include <cstdlib>
#include <memory>

#include <openssl/evp.h>

namespace dokuei::security::aesgcm {
namespace {

struct CipherContextDeleter
{
    void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextDeleter>;

const unsigned char* bytes(QByteArrayView view)
{
    return reinterpret_cast<const unsigned char*>(view.data());
}

} // namespace

QByteArray seal(const SecretKey& key, QByteArrayView plaintext, QByteArrayView aad)
{
    const QByteArray nonce = randomBytes(kNonceSize);
    QByteArray out(kNonceSize + plaintext.size() + kTagSize, Qt::Uninitialized);
    std::memcpy(out.data(), nonce.constData(), kNonceSize);
    auto* cipherText = reinterpret_cast<unsigned char*>(out.data() + kNonceSize);
    CipherContext context(EVP_CIPHER_CTX_new());
    int length = 0;
    int finalLength = 0;
    const bool ok = context &&
                    EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, key.bytes().data(),
                                       bytes(nonce)) == 1 &&
                    (aad.isEmpty() || EVP_EncryptUpdate(context.get(), nullptr, &length, bytes(aad),
                                                        static_cast<int>(aad.size())) == 1) &&
                    EVP_EncryptUpdate(context.get(), cipherText, &length, bytes(plaintext),
                                      static_cast<int>(plaintext.size())) == 1 &&
                    EVP_EncryptFinal_ex(context.get(), cipherText + length, &finalLength) == 1 &&
                    EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize),
                                        cipherText + plaintext.size()) == 1;
    if (!ok) {
        std::abort(); // AES-256-GCM encryption cannot fail with valid sizes: a broken OpenSSL
    }
    return out;
}

std::optional<QByteArray> open(const SecretKey& key, QByteArrayView sealed, QByteArrayView aad)
{
    if (sealed.size() < kNonceSize + kTagSize) {
        return std::nullopt;
    }
    const qsizetype textSize = sealed.size() - kNonceSize - kTagSize;
    QByteArray plaintext(textSize, Qt::Uninitialized);
    QByteArray tag = sealed.sliced(kNonceSize + textSize).toByteArray();
    CipherContext context(EVP_CIPHER_CTX_new());
    int length = 0;
    int finalLength = 0;
    const bool ok =
        context &&
        EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, key.bytes().data(), bytes(sealed)) ==
            1 &&
        (aad.isEmpty() ||
         EVP_DecryptUpdate(context.get(), nullptr, &length, bytes(aad), static_cast<int>(aad.size())) == 1) &&
        EVP_DecryptUpdate(context.get(), reinterpret_cast<unsigned char*>(plaintext.data()), &length,
                          bytes(sealed) + kNonceSize, static_cast<int>(textSize)) == 1 &&
        EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize), tag.data()) ==
            1 &&
        EVP_DecryptFinal_ex(context.get(), reinterpret_cast<unsigned char*>(plaintext.data()) + length,
                            &finalLength) == 1;
    if (!ok) {
        plaintext.fill('\0');
        return std::nullopt;
    }
    return plaintext;
}

} // namespace dokuei::security::aesgcm
