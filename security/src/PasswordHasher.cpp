#include "dokuei/security/PasswordHasher.h"

#include <argon2.h>
#include <string.h>
#include <vector>

#include <QRegularExpression>

namespace dokuei::security {
namespace {

constexpr qsizetype kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;

/// UTF-8 bytes of a password, zeroed when the holder goes away.
class PasswordBytes
{
public:
    explicit PasswordBytes(const QString& password) : m_bytes(password.toUtf8()) {}
    ~PasswordBytes() { explicit_bzero(m_bytes.data(), static_cast<size_t>(m_bytes.size())); }
    PasswordBytes(const PasswordBytes&) = delete;
    PasswordBytes& operator=(const PasswordBytes&) = delete;

    const char* data() const { return m_bytes.constData(); }
    std::size_t size() const { return static_cast<std::size_t>(m_bytes.size()); }

private:
    QByteArray m_bytes;
};

QString phcBase64(const QByteArray& bytes)
{
    return QString::fromLatin1(bytes.toBase64(QByteArray::Base64Encoding | QByteArray::OmitTrailingEquals));
}

} // namespace

PasswordHasher::PasswordHasher(Argon2Params params) : m_params(params)
{}

Expected<QString> PasswordHasher::hash(const QString& password) const
{
    if (!argon2ParamsPlausible(m_params)) {
        return fail(ErrorCode::InvalidArgument,
                    QStringLiteral("Argon2id parameters m=%1 KiB, t=%2, p=%3 are outside the accepted range")
                        .arg(m_params.memoryKiB)
                        .arg(m_params.timeCost)
                        .arg(m_params.parallelism));
    }
    const PasswordBytes bytes(password);
    const QByteArray salt = randomBytes(kSaltBytes);
    const std::size_t length = argon2_encodedlen(m_params.timeCost, m_params.memoryKiB, m_params.parallelism,
                                                 static_cast<uint32_t>(salt.size()), kHashBytes, Argon2_id);
    std::vector<char> encoded(length + 1, '\0');
    const int result = argon2id_hash_encoded(
        m_params.timeCost, m_params.memoryKiB, m_params.parallelism, bytes.data(), bytes.size(),
        salt.constData(), static_cast<std::size_t>(salt.size()), kHashBytes, encoded.data(), encoded.size());
    if (result != ARGON2_OK) {
        return fail(ErrorCode::VaultFailure,
                    QStringLiteral("Cannot hash the password with Argon2id (m=%1 KiB): %2")
                        .arg(m_params.memoryKiB)
                        .arg(QString::fromUtf8(argon2_error_message(result))));
    }
    return QString::fromLatin1(encoded.data());
}

bool PasswordHasher::verify(const QString& password, const QString& encoded) const
{
    const auto params = parseParams(encoded);
    if (!params || !argon2ParamsPlausible(*params)) {
        return false;
    }
    const QByteArray latin = encoded.toLatin1();
    const PasswordBytes bytes(password);
    return argon2id_verify(latin.constData(), bytes.data(), bytes.size()) == ARGON2_OK;
}

bool PasswordHasher::needsRehash(const QString& encoded) const
{
    const auto params = parseParams(encoded);
    return !params || !argon2ParamsPlausible(*params) || params->memoryKiB < m_params.memoryKiB ||
           params->timeCost < m_params.timeCost;
}

QString PasswordHasher::decoy() const
{
    return QStringLiteral("$argon2id$v=19$m=%1,t=%2,p=%3$%4$%5")
        .arg(m_params.memoryKiB)
        .arg(m_params.timeCost)
        .arg(m_params.parallelism)
        .arg(phcBase64(randomBytes(kSaltBytes)), phcBase64(randomBytes(kHashBytes)));
}

std::optional<Argon2Params> PasswordHasher::parseParams(const QString& encoded)
{
    static const QRegularExpression pattern(QStringLiteral(
        R"(^\$argon2id\$v=19\$m=(\d{1,10}),t=(\d{1,10}),p=(\d{1,3})\$[A-Za-z0-9+/]{11,}\$[A-Za-z0-9+/]{11,}$)"));
    const auto match = pattern.match(encoded);
    if (!match.hasMatch()) {
        return std::nullopt;
    }
    bool okM = false;
    bool okT = false;
    bool okP = false;
    Argon2Params params;
    params.memoryKiB = match.captured(1).toUInt(&okM);
    params.timeCost = match.captured(2).toUInt(&okT);
    params.parallelism = match.captured(3).toUInt(&okP);
    if (!okM || !okT || !okP) {
        return std::nullopt;
    }
    return params;
}

} // namespace dokuei::security
