// Times Debian's dlib (libdlib-dev) on the work FaceAudit's native pipeline does, for scripts/bench/vs-dlib:
// descriptor per face at batch 1 and 32, and MMOD detection per megapixel, on the same decoded images.
// Usage: dlib_bench MODELS_DIR CHIP_PNG IMAGE_PNG
// For scripts/bench/embed-vs-dlib, the whole pipeline `faceaudit embed` runs, photo by photo:
//        dlib_bench --embed MODELS_DIR IMAGE...
// decode, MMOD detection (no upsampling), 5 landmarks, the aligned 150x150 chip (padding 0.25, as dlib's
// compute_face_descriptor), the descriptor of every face. It prints one line per photo (faces found, the
// first face's first three components) and the seconds the loop took after the models were loaded.
#include <dlib/dnn.h>
#include <dlib/image_io.h>
#include <dlib/image_processing.h>

#include <chrono>
#include <cstdio>
#include <vector>

using namespace dlib;

// The two network types of dlib's published face models (needed to deserialize them).
template <template <int, template <typename> class, int, typename> class B, int N, template <typename> class BN, typename S>
using residual = add_prev1<B<N, BN, 1, tag1<S>>>;
template <template <int, template <typename> class, int, typename> class B, int N, template <typename> class BN, typename S>
using residual_down = add_prev2<avg_pool<2, 2, 2, 2, skip1<tag2<B<N, BN, 2, tag1<S>>>>>>;
template <int N, template <typename> class BN, int stride, typename S>
using block = BN<con<N, 3, 3, 1, 1, relu<BN<con<N, 3, 3, stride, stride, S>>>>>;
template <int N, typename S> using ares = relu<residual<block, N, affine, S>>;
template <int N, typename S> using ares_down = relu<residual_down<block, N, affine, S>>;
template <typename S> using level0 = ares_down<256, S>;
template <typename S> using level1 = ares<256, ares<256, ares_down<256, S>>>;
template <typename S> using level2 = ares<128, ares<128, ares_down<128, S>>>;
template <typename S> using level3 = ares<64, ares<64, ares<64, ares_down<64, S>>>>;
template <typename S> using level4 = ares<32, ares<32, ares<32, S>>>;
using descriptor_net = loss_metric<fc_no_bias<128, avg_pool_everything<level0<level1<level2<level3<level4<
    max_pool<3, 3, 2, 2, relu<affine<con<32, 7, 7, 2, 2, input_rgb_image_sized<150>>>>>>>>>>>>>;

template <long F, typename S> using con5d = con<F, 5, 5, 2, 2, S>;
template <long F, typename S> using con5 = con<F, 5, 5, 1, 1, S>;
template <typename S> using downsampler = relu<affine<con5d<32, relu<affine<con5d<32, relu<affine<con5d<16, S>>>>>>>>>;
template <typename S> using rcon5 = relu<affine<con5<45, S>>>;
using detector_net = loss_mmod<con<1, 9, 9, 1, 1, rcon5<rcon5<rcon5<downsampler<input_rgb_image_pyramid<pyramid_down<6>>>>>>>>;

static double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

static int embed(int argc, char** argv) {
    std::string models = argv[2];
    auto start = std::chrono::steady_clock::now();
    descriptor_net descriptors;
    deserialize(models + "/dlib_face_recognition_resnet_model_v1.dat") >> descriptors;
    detector_net detector;
    deserialize(models + "/mmod_human_face_detector.dat") >> detector;
    shape_predictor landmarks;
    deserialize(models + "/shape_predictor_5_face_landmarks.dat") >> landmarks;
    double loading = seconds_since(start);
    start = std::chrono::steady_clock::now();
    for (int i = 3; i < argc; i++) {
        matrix<rgb_pixel> image;
        load_image(image, argv[i]);
        auto dets = detector(image);
        std::vector<matrix<rgb_pixel>> chips;
        for (auto& det : dets) {
            full_object_detection shape = landmarks(image, det.rect);
            matrix<rgb_pixel> chip;
            extract_image_chip(image, get_face_chip_details(shape, 150, 0.25), chip);
            chips.push_back(std::move(chip));
        }
        std::vector<matrix<float, 0, 1>> faces = descriptors(chips);
        std::printf("photo %d faces %zu", i - 2, faces.size());
        if (!faces.empty()) std::printf(" first3 %.6f %.6f %.6f", faces[0](0), faces[0](1), faces[0](2));
        std::printf("\n");
    }
    std::printf("models_s %.3f\n", loading);
    std::printf("photos_s %.3f\n", seconds_since(start));
    return 0;
}

int main(int argc, char** argv) {
    if (argc >= 4 && std::string(argv[1]) == "--embed") return embed(argc, argv);
    if (argc != 4) {
        std::fprintf(stderr, "usage: dlib_bench MODELS_DIR CHIP_PNG IMAGE_PNG | dlib_bench --embed MODELS_DIR IMAGE...\n");
        return 2;
    }
    std::string models = argv[1];
    descriptor_net descriptors;
    deserialize(models + "/dlib_face_recognition_resnet_model_v1.dat") >> descriptors;
    detector_net detector;
    deserialize(models + "/mmod_human_face_detector.dat") >> detector;
    matrix<rgb_pixel> chip, image;
    load_image(chip, argv[2]);
    load_image(image, argv[3]);

    matrix<float, 0, 1> d = descriptors(chip);  // warm-up, and a check that both tools agree
    auto start = std::chrono::steady_clock::now();
    int reps = 30;
    for (int i = 0; i < reps; i++) d = descriptors(chip);
    double batch1 = seconds_since(start) / reps;

    std::vector<matrix<rgb_pixel>> batch(32, chip);
    descriptors(batch, 32);
    start = std::chrono::steady_clock::now();
    for (int i = 0; i < 3; i++) descriptors(batch, 32);
    double batch32 = seconds_since(start) / 3 / 32;

    auto dets = detector(image);  // warm-up
    start = std::chrono::steady_clock::now();
    for (int i = 0; i < 3; i++) dets = detector(image);
    double detect = seconds_since(start) / 3;
    double megapixels = image.nr() * image.nc() / 1e6;

    std::printf("descriptor_batch1_ms %.3f\n", batch1 * 1e3);
    std::printf("descriptor_batch32_ms_per_face %.3f\n", batch32 * 1e3);
    std::printf("detect_s_per_megapixel %.4f\n", detect / megapixels);
    std::printf("descriptor_first3 %.6f %.6f %.6f\n", d(0), d(1), d(2));
    if (!dets.empty())
        std::printf("first_detection %ld %ld %ld %ld %.5f\n", dets[0].rect.left(), dets[0].rect.top(), dets[0].rect.right(),
                    dets[0].rect.bottom(), dets[0].detection_confidence);
    return 0;
}
