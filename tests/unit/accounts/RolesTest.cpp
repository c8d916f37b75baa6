#include "dokuei/security/Roles.h"

#include <gtest/gtest.h>

namespace dokuei::security {
namespace {

TEST(Roles, NamesAreStableAndRoundTrip)
{
    EXPECT_EQ(roleName(Role::Radiologist), QStringLiteral("radiologist"));
    EXPECT_EQ(roleName(Role::SupervisingRadiologist), QStringLiteral("supervising-radiologist"));
    EXPECT_EQ(roleName(Role::Administrator), QStringLiteral("administrator"));
    EXPECT_EQ(roleName(Role::Auditor), QStringLiteral("auditor"));
    for (const Role role : allRoles()) {
        EXPECT_EQ(roleFromName(roleName(role)), role);
    }
}

TEST(Roles, UnknownOrMiscasedNamesAreRefused)
{
    EXPECT_FALSE(roleFromName(QStringLiteral("Radiologist")));
    EXPECT_FALSE(roleFromName(QStringLiteral("admin")));
    EXPECT_FALSE(roleFromName(QString()));
    EXPECT_FALSE(roleFromName(QStringLiteral(" auditor")));
}

TEST(Roles, ReadingRolesViewDraftSignSendOnly)
{
    for (const Role role : {Role::Radiologist, Role::SupervisingRadiologist}) {
        EXPECT_TRUE(hasRight(role, Right::View));
        EXPECT_TRUE(hasRight(role, Right::Draft));
        EXPECT_TRUE(hasRight(role, Right::Sign));
        EXPECT_TRUE(hasRight(role, Right::Send));
        EXPECT_FALSE(hasRight(role, Right::Administer));
        EXPECT_FALSE(hasRight(role, Right::ReadAudit));
    }
    // Only the supervising role verifies (finalizes) another radiologist's preliminary report.
    EXPECT_TRUE(hasRight(Role::SupervisingRadiologist, Right::Verify));
    EXPECT_FALSE(hasRight(Role::Radiologist, Right::Verify));
    EXPECT_EQ(rightName(Right::Verify), QStringLiteral("verify"));
}

TEST(Roles, AdministratorAdministersWithoutPatientData)
{
    EXPECT_TRUE(hasRight(Role::Administrator, Right::Administer));
    for (const Right right :
         {Right::View, Right::Draft, Right::Sign, Right::Send, Right::ReadAudit, Right::Verify}) {
        EXPECT_FALSE(hasRight(Role::Administrator, right)) << rightName(right).toStdString();
    }
}

TEST(Roles, AuditorReadsAuditOnly)
{
    EXPECT_TRUE(hasRight(Role::Auditor, Right::ReadAudit));
    for (const Right right :
         {Right::View, Right::Draft, Right::Sign, Right::Send, Right::Administer, Right::Verify}) {
        EXPECT_FALSE(hasRight(Role::Auditor, right)) << rightName(right).toStdString();
    }
}

} // namespace
} // namespace dokuei::security
