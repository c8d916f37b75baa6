#include "ReadingTestSupport.h"

#include <cmath>

#include <gtest/gtest.h>

namespace dokuei::viewer::test {

int PhantomVolume::acquisitionIndex(int volumeSlice) const
{
    const auto infos = assembler->sliceInfos();
    if (volumeSlice < 0 || volumeSlice >= int(infos.size())) {
        return -1;
    }
    const Vec3& p = infos[std::size_t(volumeSlice)].imagePosition;
    for (const phantom::WrittenSlice& s : study.summary.slices) {
        if (std::abs(s.position[0] - p[0]) < 1e-3 && std::abs(s.position[1] - p[1]) < 1e-3 &&
            std::abs(s.position[2] - p[2]) < 1e-3) {
            return s.acquisitionIndex;
        }
    }
    return -1;
}

std::unique_ptr<PhantomVolume> loadPhantom(const phantom::PhantomSpec& spec)
{
    auto result = std::make_unique<PhantomVolume>();
    result->study = generate(spec);
    if (result->study.files.empty()) {
        ADD_FAILURE() << "no phantom files";
        return nullptr;
    }
    result->model = std::make_unique<phantom::PhantomModel>(spec);
    AssemblerOptions options;
    options.expectedInstances = int(result->study.files.size());
    result->assembler = std::make_unique<VolumeAssembler>(options);
    for (const QByteArray& file : result->study.files) {
        auto added = result->assembler->addInstance(file);
        if (!added) {
            ADD_FAILURE() << added.error().toString().toStdString();
            return nullptr;
        }
    }
    if (!result->assembler->waitForFinished(120000) || result->assembler->failure() ||
        result->assembler->volume() == nullptr) {
        ADD_FAILURE() << "assembly failed";
        return nullptr;
    }
    return result;
}

const phantom::TruthObject& truthObject(const phantom::PhantomModel& model, std::string_view name)
{
    for (const phantom::TruthObject& o : model.objects()) {
        if (o.name == name) {
            return o;
        }
    }
    ADD_FAILURE() << "no truth object " << name;
    return model.objects().front();
}

phantom::PhantomSpec fineChestSpec(int size, int slices, double spacing)
{
    phantom::PhantomSpec spec = phantom::presetSpec(phantom::Preset::Chest);
    spec.rows = size;
    spec.columns = size;
    spec.slices = slices;
    spec.rowSpacing = spacing;
    spec.columnSpacing = spacing;
    spec.sliceSpacing = spacing;
    spec.sliceThickness = spacing;
    spec.transferSyntax = phantom::TransferSyntax::ExplicitLittle;
    spec.identity.studyUid = "1.2.826.0.1.3680043.10.543.78";
    return spec;
}

} // namespace dokuei::viewer::test
