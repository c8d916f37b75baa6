#include "DecodeTestSupport.h"

#include <algorithm>
#include <random>

#include <QDir>
#include <QFile>

#include <gtest/gtest.h>

namespace dokuei::viewer::test {

phantom::PhantomSpec tinySpec(phantom::TransferSyntax syntax)
{
    phantom::PhantomSpec spec = phantom::presetSpec(phantom::Preset::Tiny);
    spec.transferSyntax = syntax;
    spec.identity.studyUid = "1.2.826.0.1.3680043.10.543.77";
    return spec;
}

GeneratedStudy generate(const phantom::PhantomSpec& spec)
{
    GeneratedStudy study;
    study.dir = std::make_unique<QTemporaryDir>();
    study.spec = spec;
    const std::filesystem::path out = std::filesystem::path(study.dir->path().toStdString()) / "study";
    phantom::WriteOptions options;
    options.threads = 2;
    auto summary = phantom::writePhantom(spec, out, options);
    if (!summary) {
        ADD_FAILURE() << "phantom generation failed: " << summary.error().message;
        return study;
    }
    study.summary = *summary;
    QDir dir(QString::fromStdString(out.string()));
    for (const QString& name : dir.entryList({QStringLiteral("*.dcm")}, QDir::Files, QDir::Name)) {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::ReadOnly)) {
            ADD_FAILURE() << "cannot read " << name.toStdString();
            continue;
        }
        study.files.push_back(file.readAll());
    }
    return study;
}

void shuffle(std::vector<QByteArray>& files, unsigned seed)
{
    std::mt19937 rng(seed);
    std::shuffle(files.begin(), files.end(), rng);
}

} // namespace dokuei::viewer::test
