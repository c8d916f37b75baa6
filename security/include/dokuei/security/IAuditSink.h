#pragma once

#include "dokuei/common/Error.h"
#include "dokuei/security/AuditRecord.h"

namespace dokuei::security {

/// Where components send audit records (the AuditTrail in the product, a fake in tests).
class IAuditSink
{
public:
    virtual ~IAuditSink() = default;
    /// Appends the record; returns its sequence number.
    virtual Expected<qint64> record(AuditRecord record) = 0;
};

} // namespace dokuei::security
