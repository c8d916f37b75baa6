#pragma once

#include "dokuei/phantom/PhantomModel.h"
#include "dokuei/phantom/PhantomSpec.h"
#include "dokuei/phantom/PhantomWriter.h"

#include <filesystem>
#include <memory>
#include <vector>

#include <QByteArray>
#include <QTemporaryDir>

namespace dokuei::viewer::test {

/// A phantom study generated into a temporary directory, its files read into memory.
struct GeneratedStudy
{
    std::unique_ptr<QTemporaryDir> dir;
    phantom::PhantomSpec spec;
    phantom::WriteSummary summary;
    std::vector<QByteArray> files; ///< every .dcm, sorted by name (not by geometry)
};

phantom::PhantomSpec tinySpec(phantom::TransferSyntax syntax = phantom::TransferSyntax::ExplicitLittle);
/// Generates (fails the test via ADD_FAILURE and returns an empty study on error).
GeneratedStudy generate(const phantom::PhantomSpec& spec);
/// Fixed-seed shuffle.
void shuffle(std::vector<QByteArray>& files, unsigned seed = 7);

} // namespace dokuei::viewer::test
