#pragma once

#include "DecodeTestSupport.h"
#include "dokuei/phantom/PhantomModel.h"
#include "dokuei/viewer/core/Volume.h"
#include "dokuei/viewer/core/VolumeAssembler.h"

#include <memory>
#include <string_view>

namespace dokuei::viewer::test {

/// A phantom study generated on disk (temporary), read into memory and assembled by the product's
/// VolumeAssembler, together with the phantom model that generated it (the ground truth).
struct PhantomVolume
{
    GeneratedStudy study;
    std::unique_ptr<VolumeAssembler> assembler;
    std::unique_ptr<phantom::PhantomModel> model;

    /// The assembled volume (test fails via ASSERT in the loader when it is missing).
    const Volume& volume() const { return *assembler->volume(); }
    /// The phantom's acquisition index of the volume's slice k, matched by Image Position (Patient) as the
    /// decoder read it against the positions the generator wrote (-1 when none matches).
    int acquisitionIndex(int volumeSlice) const;
};

/// Generates, assembles, checks that the volume exists. Returns nullptr on failure (with ADD_FAILURE).
std::unique_ptr<PhantomVolume> loadPhantom(const phantom::PhantomSpec& spec);

/// The truth object called `name` (ADD_FAILURE and the first object when absent).
const phantom::TruthObject& truthObject(const phantom::PhantomModel& model, std::string_view name);

/// A chest phantom on a fine isotropic grid (rows x columns x slices, spacing mm everywhere).
phantom::PhantomSpec fineChestSpec(int size, int slices, double spacing);

} // namespace dokuei::viewer::test
