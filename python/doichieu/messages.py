"""Every text a person reads on the terminal, Vietnamese first, with its English
form: one catalogue of keys to ``(vi, en)`` templates.

``text(key, **values)`` fills a template in the language in force:
``set_language`` sets it (the command line does, from ``--lang`` or the
environment through ``language_from_environment``), Vietnamese otherwise.
Templates take ``{name}`` placeholders; the ``argparse.`` entries keep
argparse's own ``%`` placeholders, because argparse fills them itself (see
``argparse_gettext``). Codes, owners, verdicts and duplicate types are shown by
their titles from ``doichieu.vocabulary`` (``title``), never spelled here.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, NamedTuple

from doichieu.vocabulary import Term

__all__ = [
    "ARGPARSE_MESSAGES",
    "LANGUAGES",
    "MESSAGES",
    "Message",
    "argparse_gettext",
    "argparse_ngettext",
    "language",
    "language_from_environment",
    "set_language",
    "text",
    "text_both",
    "text_in",
    "title",
]

LANGUAGES: Final = ("vi", "en")


class Message(NamedTuple):
    vi: str
    en: str


#: The command line: descriptions, examples and the help of every argument.
_HELP: Final = {
    # --- the program
    "cli.description": Message(
        "Đối chiếu danh sách đảng viên với Cơ sở dữ liệu quốc gia về dân cư.",
        "Cross-check party rosters against the national population data.",
    ),
    "cli.epilog": Message(
        "Ví dụ:\n"
        "  doichieu revalidate --roster dang_vien.xlsx --population dan_cu.parquet --out ket_qua\n"
        "  doichieu dedupe --roster dang_vien.xlsx --out trung_lap\n"
        "  doichieu --lang en revalidate --help\n"
        "\n"
        "Ngôn ngữ: tiếng Việt, trừ khi --lang en hoặc LANGUAGE/LC_ALL/LC_MESSAGES/LANG chọn tiếng Anh.",
        "Examples:\n"
        "  doichieu revalidate --roster dang_vien.xlsx --population dan_cu.parquet --out results\n"
        "  doichieu dedupe --roster dang_vien.xlsx --out duplicates\n"
        "  doichieu --lang vi revalidate --help\n"
        "\n"
        "Language: Vietnamese, unless --lang en or LANGUAGE/LC_ALL/LC_MESSAGES/LANG choose English.",
    ),
    "cli.commands": Message("lệnh", "commands"),
    "cli.command_metavar": Message("LỆNH", "COMMAND"),
    "cli.help": Message("in hướng dẫn này rồi dừng", "show this help message and exit"),
    "cli.version": Message("in phiên bản của doichieu rồi dừng", "show doichieu's version and exit"),
    "cli.lang": Message(
        "ngôn ngữ hiển thị: vi (tiếng Việt, mặc định) hoặc en (tiếng Anh)",
        "language shown: vi (Vietnamese, the default) or en (English)",
    ),
    # --- names
    "names.help": Message(
        "chuẩn hoá họ tên, hoặc so sánh từng cặp tên cách nhau bằng dấu tab, từ tệp hoặc stdin",
        "normalise names, or compare tab-separated pairs, from a file or stdin",
    ),
    "names.epilog": Message(
        "Ví dụ:\n  doichieu names ho_ten.txt\n  printf 'Nguyễn Văn A\\tNguyen Van A\\n' | doichieu names --explain",
        "Examples:\n  doichieu names names.txt\n  printf 'Nguyễn Văn A\\tNguyen Van A\\n' | doichieu names --explain",
    ),
    "names.input": Message("tệp văn bản UTF-8 (mặc định: stdin)", "UTF-8 text file (default: stdin)"),
    "names.explain": Message("chỉ ra âm tiết nào khác và khác thế nào", "show which syllable differs and how"),
    # --- dedupe
    "dedupe.help": Message(
        "tìm đảng viên có hai bản ghi trong cùng một danh sách (CSV, xlsx hoặc Parquet)",
        "find members held twice in one roster (CSV, xlsx or Parquet)",
    ),
    "dedupe.epilog": Message(
        "Ví dụ:\n"
        "  doichieu dedupe --roster dang_vien.xlsx --out trung_lap\n"
        "  doichieu dedupe --roster dang_vien.xlsx --out trung_lap --save-model mo_hinh.json",
        "Examples:\n"
        "  doichieu dedupe --roster dang_vien.xlsx --out duplicates\n"
        "  doichieu dedupe --roster dang_vien.xlsx --out duplicates --save-model model.json",
    ),
    "dedupe.roster": Message("tệp danh sách đảng viên", "roster file"),
    "dedupe.engine": Message(
        "nơi chạy: 'local' (một máy, mặc định) hoặc 'spark' (cụm Apache Spark; đọc tệp hoặc thư mục Parquet, "
        "xem docs/spark.md)",
        "where to run: 'local' (one machine, the default) or 'spark' (an Apache Spark cluster; reads a Parquet "
        "file or folder, see docs/spark.md)",
    ),
    "dedupe.out": Message("thư mục ghi pairs.csv và clusters.csv", "folder for pairs.csv and clusters.csv"),
    "dedupe.threshold": Message(
        "xác suất trùng tối thiểu để coi là trùng lặp (mặc định 0.9)",
        "match probability for a duplicate (default 0.9)",
    ),
    "dedupe.model": Message(
        "chấm điểm bằng mô hình đã lưu trong TỆP thay vì huấn luyện mô hình mới",
        "score with this saved model instead of training one",
    ),
    "dedupe.save_model": Message(
        "lưu mô hình đã dùng (vừa huấn luyện hoặc được cho) vào TỆP (quyền 0600)",
        "save the model used (trained or given) to FILE (mode 0600)",
    ),
    "metavar.file": Message("TỆP", "FILE"),
    "metavar.sheet": Message("TÊN|N", "NAME|N"),
    "metavar.bytes": Message("SỐ_BYTE", "BYTES"),
    # --- serve
    "serve.help": Message(
        "chạy máy chủ đối chiếu gRPC mà các điểm tiếp nhận gọi tới (xem docs/verifier.md)",
        "run the gRPC verifier that intake sites call (see docs/verifier.md)",
    ),
    "serve.epilog": Message(
        "Ví dụ:\n"
        "  doichieu serve --population dan_cu.parquet --roster dang_vien.parquet "
        "--deadline 2025-10-15T23:00+07:00\n"
        "  doichieu serve --population dan_cu.parquet --tls-cert may_chu.pem --tls-key may_chu.key "
        "--client-ca ca_diem.pem",
        "Examples:\n"
        "  doichieu serve --population dan_cu.parquet --roster dang_vien.parquet "
        "--deadline 2025-10-15T23:00+07:00\n"
        "  doichieu serve --population dan_cu.parquet --tls-cert server.pem --tls-key server.key "
        "--client-ca sites-ca.pem",
    ),
    "serve.population": Message(
        "bảng dữ liệu dân cư (CSV, xlsx hoặc Parquet)", "population table (CSV, xlsx or Parquet)"
    ),
    "serve.roster": Message(
        "danh sách đảng viên: danh sách phải tiếp nhận, dùng cho báo cáo tiến độ",
        "roster table: the required list for progress reports",
    ),
    "serve.dedup_model": Message(
        "mô hình trùng lặp đã lưu bằng `doichieu dedupe --save-model`: dùng cho --roster thay vì huấn luyện mới",
        "duplicate model saved by `doichieu dedupe --save-model`: used on --roster instead of training one",
    ),
    "serve.host": Message("địa chỉ lắng nghe (mặc định 127.0.0.1)", "address to listen on (default 127.0.0.1)"),
    "serve.port": Message("cổng (mặc định 50051; 0: chọn một cổng trống)", "port (default 50051; 0 picks a free one)"),
    "serve.ledger": Message(
        "sqlite:///duong_dan.db (mặc định ./doichieu-ledger.db) hoặc postgresql://… dùng chung cho nhiều bản sao",
        "sqlite:///path.db (default ./doichieu-ledger.db) or postgresql://… shared by several replicas",
    ),
    "serve.tls_cert": Message("chuỗi chứng chỉ của máy chủ (PEM)", "server certificate chain (PEM)"),
    "serve.tls_key": Message("khoá riêng của máy chủ (PEM)", "server private key (PEM)"),
    "serve.client_ca": Message(
        "CA của chứng chỉ máy khách các điểm: bật TLS hai chiều",
        "CA of the sites' client certificates: turns on mutual TLS",
    ),
    "serve.grace": Message(
        "số giây chờ các lời gọi kết thúc khi dừng (mặc định 10)", "seconds to drain calls on shutdown (default 10)"
    ),
    "serve.max_chunk": Message(
        "số bản ghi mỗi thông điệp luồng (mặc định {default})", "records per stream message (default {default})"
    ),
    "serve.shift": Message(
        "giờ làm việc, giờ địa phương (mặc định 08:00-23:00)", "working hours, local time (default 08:00-23:00)"
    ),
    "serve.per_day": Message(
        "chỉ tiêu lượt tiếp nhận mỗi máy mỗi ngày làm việc (mặc định {default})",
        "target intakes per machine per working day (default {default})",
    ),
    "serve.deadline": Message(
        "hạn chót của đợt, ISO 8601 (ví dụ 2025-10-15T23:00+07:00)",
        "campaign deadline, ISO 8601 (e.g. 2025-10-15T23:00+07:00)",
    ),
    "serve.workers": Message(
        "số tiến trình máy chủ dùng chung cổng (mặc định 1)", "server processes sharing the port (default 1)"
    ),
    "serve.port_file": Message(
        "ghi cổng đang lắng nghe vào tệp này khi đã sẵn sàng", "write the listening port to this file once serving"
    ),
    "serve.max_concurrent_rpcs": Message(
        "số lời gọi phục vụ cùng lúc mỗi tiến trình (mặc định {default})",
        "calls served at once per process (default {default})",
    ),
    "serve.max_streams": Message(
        "số lời gọi VerifyStream mở cùng lúc mỗi tiến trình; phần còn lại dành cho Verify và Submit "
        "(mặc định: một nửa --max-concurrent-rpcs)",
        "open VerifyStream calls per process; the slots above it stay with Verify and Submit "
        "(default: half of --max-concurrent-rpcs)",
    ),
    "serve.max_streams_per_peer": Message(
        "số luồng mở cùng lúc mỗi máy khách: điểm ghi trong chứng chỉ, hoặc địa chỉ khi không có TLS hai chiều "
        "(mặc định {default})",
        "open streams per client: its certificate's site, or its address without mutual TLS (default {default})",
    ),
    "serve.stream_idle_timeout": Message(
        "số giây một luồng được phép không có yêu cầu trước khi bị đóng (mặc định {default})",
        "seconds a stream may go without a request before it is ended (default {default})",
    ),
    "serve.stream_memory_budget": Message(
        "số byte đoạn dữ liệu và câu trả lời của các luồng giữ cùng lúc trong một tiến trình; luồng mới vượt mức "
        "bị từ chối RESOURCE_EXHAUSTED (mặc định {default} MiB)",
        "bytes of stream chunks and answers held at once per process; a new stream beyond it is refused "
        "RESOURCE_EXHAUSTED (default {default} MiB)",
    ),
    "serve.stream_memory_per_stream": Message(
        "số byte một luồng được giữ trước khi ngừng đọc cho đến khi câu trả lời được đọc (mặc định {default} MiB)",
        "bytes one stream may hold before it stops reading until its answers are read (default {default} MiB)",
    ),
    "serve.full_disclosure_sites": Message(
        "tệp mã điểm tiếp nhận (mỗi dòng một mã) được xem đầy đủ dữ liệu dân cư trong câu trả lời; cần --client-ca. "
        "Các điểm khác nhận kết luận, phát hiện về trường đã gửi và ứng viên với số định danh che bớt",
        "site IDs (one a line) whose answers show the population data in full; needs --client-ca. "
        "Others get the verdict, findings on what they sent and candidates by masked ID",
    ),
    "serve.insecure": Message(
        "cho phép nghe không TLS trên địa chỉ khác loopback (mạng đã được bảo vệ cách khác)",
        "listen without TLS on an address other than loopback (a network protected some other way)",
    ),
    "serve.log_level": Message(
        "mức nhật ký thấp nhất được ghi (mặc định info; họ tên và số định danh chỉ xuất hiện ở mức debug)",
        "least severe log records written (default info; names and ID numbers appear at debug only)",
    ),
    # --- generate
    "generate.help": Message(
        "tạo một tỉnh giả lập: danh sách đảng viên, dữ liệu dân cư và đáp án các sai lệch đã cài",
        "write a synthetic province: roster, population and the planted truth",
    ),
    "generate.epilog": Message(
        "Ví dụ:\n  doichieu generate --members 10000 --out tinh_gia_lap\n"
        "  doichieu generate --national --members 1000000 --population 10000000 --out ca_nuoc\n"
        "  doichieu generate --list-rates",
        "Examples:\n  doichieu generate --members 10000 --out synthetic\n"
        "  doichieu generate --national --members 1000000 --population 10000000 --out country\n"
        "  doichieu generate --list-rates",
    ),
    "generate.members": Message(
        "số đảng viên (mặc định {default}, số của Hà Tĩnh; với --national {national}); các dòng trùng lặp tính thêm",
        "party members (default {default}, Hà Tĩnh's count; {national} with --national); duplicate rows come on top",
    ),
    "generate.national": Message(
        "tạo cả nước: 63 tỉnh cũ (34 tỉnh sau sáp nhập 2025) theo dân số, đảng viên chuyển tỉnh chưa được xoá; "
        "ghi thư mục các phần Parquet (roster/, population/, truth_findings/), bộ nhớ có giới hạn",
        "write the whole country: the 63 old provinces (34 after the 2025 merger) by population, members who moved "
        "province and were never removed; writes folders of Parquet parts (roster/, population/, truth_findings/) "
        "in bounded memory",
    ),
    "generate.population": Message(
        "với --national: số người trong dữ liệu dân cư, kể cả đảng viên (mặc định {default})",
        "with --national: people in the population, members included (default {default})",
    ),
    "generate.cross_province_transfer": Message(
        "với --national: tỉ lệ đảng viên còn trong danh sách của tỉnh khác sau khi chuyển đi (mặc định {default})",
        "with --national: share of members still on another province's roster after moving (default {default})",
    ),
    "generate.chunk_rows": Message(
        "với --national: số dòng dân cư (và số đảng viên) mỗi phần Parquet, cũng là số dòng giữ trong bộ nhớ "
        "(mặc định {default})",
        "with --national: population rows (and roster members) per Parquet part, also the rows held in memory "
        "(default {default})",
    ),
    "generate.seed": Message(
        "cùng một hạt giống cho cùng các tệp (mặc định {default})",
        "the same seed gives the same files (default {default})",
    ),
    "generate.out": Message(
        "thư mục ghi danh sách, dữ liệu dân cư, các tệp đáp án và manifest.json",
        "folder to write roster, population, truth files and manifest.json into",
    ),
    "generate.format": Message(
        "định dạng danh sách và dữ liệu dân cư (mặc định csv; tệp đáp án luôn là CSV; --national luôn ghi Parquet)",
        "roster and population format (default csv; truth is always CSV; --national always writes Parquet)",
    ),
    "generate.province": Message(
        "mã hoặc tên tỉnh trong danh sách 63 tỉnh (mặc định Hà Tĩnh)",
        "province code or name from the 63-province list (default Hà Tĩnh)",
    ),
    "generate.as_of": Message(
        "ngày đối chiếu, yyyy-mm-dd (mặc định {default})", "reference date, yyyy-mm-dd (default {default})"
    ),
    "generate.population_extra": Message(
        "số bản ghi dân cư không phải đảng viên trên mỗi đảng viên (mặc định 0.2)",
        "population records of non-members per member (default 0.2)",
    ),
    "generate.noise_scale": Message(
        "nhân mọi tỉ lệ nhiễu (0 cho dữ liệu sạch; mặc định 1)",
        "multiply every noise rate (0 gives clean data; default 1)",
    ),
    "generate.rate": Message(
        "đặt một tỉ lệ sau khi nhân (dùng nhiều lần được); --list-rates liệt kê các tỉ lệ",
        "set one rate after scaling (repeatable); --list-rates shows them",
    ),
    "generate.rate_metavar": Message("TÊN=GIÁ_TRỊ", "NAME=VALUE"),
    "generate.list_rates": Message(
        "in các tỉ lệ và giá trị mặc định rồi dừng", "print the rates and their defaults, then stop"
    ),
    # --- revalidate
    "revalidate.help": Message(
        "đối chiếu danh sách đảng viên với dữ liệu dân cư (xem docs/records.md)",
        "cross-check a roster against the population data (see docs/records.md)",
    ),
    "revalidate.epilog": Message(
        "Ví dụ:\n"
        "  doichieu revalidate --roster dang_vien.xlsx --population dan_cu.parquet --out ket_qua\n"
        "  doichieu revalidate --roster dang_vien.csv --population dan_cu.csv --out ket_qua "
        "--as-of 2025-09-01 --ignore-unknown-columns\n"
        "  doichieu revalidate --roster dang_vien.xlsx --population dan_cu.csv --campaign chien_dich",
        "Examples:\n"
        "  doichieu revalidate --roster dang_vien.xlsx --population dan_cu.parquet --out results\n"
        "  doichieu revalidate --roster dang_vien.csv --population dan_cu.csv --out results "
        "--as-of 2025-09-01 --ignore-unknown-columns\n"
        "  doichieu revalidate --roster dang_vien.xlsx --population dan_cu.csv --campaign campaign",
    ),
    "revalidate.roster": Message(
        "danh sách đảng viên (CSV UTF-8, .xlsx hoặc .parquet)", "party roster (CSV UTF-8, .xlsx or .parquet)"
    ),
    "revalidate.population": Message(
        "bảng dữ liệu dân cư (CSV UTF-8, .xlsx hoặc .parquet)", "population table (CSV UTF-8, .xlsx or .parquet)"
    ),
    "revalidate.out": Message(
        "thư mục ghi verdicts.csv, findings.csv và các danh sách việc",
        "folder for verdicts.csv, findings.csv and the work lists",
    ),
    "revalidate.as_of": Message(
        "ngày đối chiếu YYYY-MM-DD để tính tuổi (mặc định: hôm nay)",
        "reference date YYYY-MM-DD for ages (default: today)",
    ),
    "revalidate.ignore_unknown_columns": Message(
        "để riêng các cột không nhận ra thay vì dừng lại", "set unrecognised columns aside instead of stopping"
    ),
    "revalidate.engine": Message(
        "nơi chạy: 'local' (một máy, mặc định) hoặc 'spark' (cụm Apache Spark; đọc tệp hoặc thư mục Parquet, "
        "xem docs/spark.md)",
        "where to run: 'local' (one machine, the default) or 'spark' (an Apache Spark cluster; reads Parquet "
        "files or folders, see docs/spark.md)",
    ),
    "revalidate.master": Message(
        "địa chỉ Spark master khi --engine spark (mặc định {default}; vd. spark://may:7077, yarn, k8s://...)",
        "the Spark master with --engine spark (default {default}; e.g. spark://host:7077, yarn, k8s://...)",
    ),
    "revalidate.driver_memory": Message(
        "bộ nhớ JVM của driver khi Spark chạy trên máy này (--engine spark, mặc định {default}; "
        "danh sách cả nước cần khoảng 12g; trên cụm máy do spark-submit đặt)",
        "the driver's JVM memory when Spark runs on this machine (--engine spark, default {default}; "
        "the national roster needs about 12g; on a cluster spark-submit sets it)",
    ),
    "revalidate.shuffle_partitions": Message(
        "số phần Spark chia khi gom nhóm (--engine spark; vài phần mỗi lõi)",
        "partitions Spark groups into (--engine spark; a few per core)",
    ),
    # --- progress
    "progress.help": Message(
        "tiến độ đợt tiếp nhận từ máy chủ đối chiếu đang chạy (GetProgress), so với hạn chót",
        "campaign progress from a running verifier (GetProgress), with the deadline",
    ),
    "progress.epilog": Message(
        "Ví dụ:\n"
        "  doichieu progress --server verifier.tinh.example:50051 --deadline 2025-10-15\n"
        "  doichieu progress --ward 'Phường Bắc Hà' --units 0\n"
        "\nChỉ có số đếm: không hỏi và không in họ tên hay số định danh nào.",
        "Examples:\n"
        "  doichieu progress --server verifier.tinh.example:50051 --deadline 2025-10-15\n"
        "  doichieu progress --ward 'Phường Bắc Hà' --units 0\n"
        "\nCounts only: no name or ID number is ever asked for or printed.",
    ),
    "client.server": Message(
        "địa chỉ máy chủ đối chiếu (mặc định 127.0.0.1:50051)", "the verifier's address (default 127.0.0.1:50051)"
    ),
    "client.ca": Message("chứng chỉ CA của máy chủ (PEM): dùng TLS", "the server's CA certificate (PEM): use TLS"),
    "client.key": Message("khoá riêng của chứng chỉ đó (PEM)", "its private key (PEM)"),
    "progress.ward": Message("chỉ xã/phường này", "only this ward"),
    "progress.deadline": Message(
        "hạn chót: YYYY-MM-DD (hết ca làm việc ngày đó) hoặc thời điểm ISO 8601; mặc định: của máy chủ",
        "campaign deadline: YYYY-MM-DD (the end of that day's shift) or an ISO 8601 time; default: the server's",
    ),
    "progress.as_of": Message(
        "dự báo tính từ thời điểm này (ISO 8601; mặc định bây giờ)", "project from this moment (ISO 8601; default now)"
    ),
    "progress.units": Message(
        "số tổ chức đảng liệt kê, nơi còn nhiều đảng viên chưa tiếp nhận nhất trước (mặc định 15; 0: tất cả)",
        "party organisations to list, those with the most members remaining first (default 15; 0: all)",
    ),
    "progress.cert": Message(
        "chứng chỉ máy khách của máy này (PEM), khi dùng TLS hai chiều",
        "this machine's client certificate (PEM), under mutual TLS",
    ),
    "progress.timeout": Message("số giây chờ câu trả lời (mặc định 30)", "seconds to wait for the answer (default 30)"),
    # --- simulate
    "simulate.help": Message(
        "các điểm tiếp nhận giả lập gọi máy chủ đối chiếu đang chạy qua gRPC, trên đồng hồ tua nhanh",
        "intake sites driving a running verifier over gRPC, on a compressed clock",
    ),
    "simulate.epilog": Message(
        "Ví dụ:\n"
        "  doichieu simulate --server 127.0.0.1:50051 --roster dang_vien.parquet --sites 2 --machines 7\n"
        "  doichieu simulate --roster dang_vien.parquet --days 0.1 --as-fast-as-possible",
        "Examples:\n"
        "  doichieu simulate --server 127.0.0.1:50051 --roster dang_vien.parquet --sites 2 --machines 7\n"
        "  doichieu simulate --roster dang_vien.parquet --days 0.1 --as-fast-as-possible",
    ),
    "simulate.roster": Message(
        "danh sách máy chủ đã được khởi động cùng (các đảng viên sẽ tiếp nhận)",
        "the roster the server was started with (the members to take)",
    ),
    "simulate.ward": Message("chỉ các đảng viên của xã/phường này", "only the members of this ward"),
    "simulate.sites": Message("số điểm tiếp nhận (mặc định 2)", "intake sites (default 2)"),
    "simulate.machines": Message(
        "số máy tiếp nhận, chia cho các điểm (mặc định 7)", "intake machines, shared out among the sites (default 7)"
    ),
    "simulate.days": Message(
        "số ngày làm việc (ca) giả lập, ngay trước --end (mặc định 1)",
        "working days (shifts) to simulate, the ones just before --end (default 1)",
    ),
    "simulate.per_day": Message(
        "số lượt tiếp nhận mỗi máy mỗi ngày làm việc (mặc định {default})",
        "intakes per machine per working day (default {default})",
    ),
    "simulate.shift": Message(
        "giờ làm việc, giờ Việt Nam (mặc định 08:00-23:00)", "working hours, Vietnam time (default 08:00-23:00)"
    ),
    "simulate.speed": Message(
        "số giây giả lập trên mỗi giây thật (mặc định 600: ca 15 giờ trong 90 giây)",
        "simulated seconds per real second (default 600: a 15-hour shift in 90 s)",
    ),
    "simulate.as_fast_as_possible": Message("không chờ giữa các lượt tiếp nhận", "no waiting between intakes"),
    "simulate.end": Message(
        "các ngày giả lập kết thúc lúc này (ISO 8601, không ở tương lai; mặc định bây giờ)",
        "the simulated days end here (ISO 8601, not in the future; default now)",
    ),
    "simulate.exclude": Message(
        "tỉ lệ đảng viên được cấp ủy cho miễn (0.03)", "share of members excluded by the party board (0.03)"
    ),
    "simulate.duplicates": Message(
        "tỉ lệ lượt tiếp nhận là đảng viên đã được tiếp nhận ở điểm khác (0.01)",
        "share of intakes that are a member already taken at another site (0.01)",
    ),
    "simulate.outages": Message(
        "xác suất một máy mất kết nối 20-120 phút, mỗi ngày làm việc (0.3)",
        "chance a machine loses its line for 20-120 minutes, per working day (0.3)",
    ),
    "simulate.lost_answers": Message(
        "tỉ lệ câu trả lời bị mất trên đường về, nên hồ sơ được gửi lại (0.01)",
        "share of answers lost on the way back, so the submission is resent (0.01)",
    ),
    "simulate.seed": Message(
        "hạt giống cho các sự kiện ngẫu nhiên (mặc định 7)", "seed of the random events (default 7)"
    ),
    "simulate.queue_dir": Message(
        "giữ hàng đợi ngoại tuyến của các máy ở đây (mặc định: một thư mục tạm)",
        "keep the machines' offline queues here (default: a temporary folder)",
    ),
    "simulate.timeout": Message("số giây cho mỗi lời gọi (mặc định 5)", "seconds per call (default 5)"),
    "simulate.cert": Message(
        "chứng chỉ máy khách (PEM) khi dùng TLS hai chiều (CN = mã điểm)",
        "client certificate (PEM) under mutual TLS (CN = the site)",
    ),
    "simulate.verbose": Message("-v: dòng tiến trình; -vv: gỡ lỗi", "-v: progress lines; -vv: debug"),
    # --- demo
    "demo.help": Message(
        "toàn bộ đợt trên một tỉnh giả lập: họ tên, đối chiếu và báo cáo, máy chủ đối chiếu, "
        "một ngày tiếp nhận giả lập, tiến độ",
        "the whole campaign on a synthetic province: names, revalidation and report, "
        "verifier, a simulated intake day, progress",
    ),
    "demo.epilog": Message(
        "Ví dụ:\n  doichieu demo\n  doichieu demo --members 20000 --out demo-nho\n  doichieu demo --names-only",
        "Examples:\n  doichieu demo\n  doichieu demo --members 20000 --out demo-small\n  doichieu demo --names-only",
    ),
    "demo.out": Message(
        "thư mục ghi mọi thứ bản trình diễn tạo ra (mặc định demo-out)",
        "folder for everything the demo writes (default demo-out)",
    ),
    "demo.members": Message(
        "số đảng viên của tỉnh giả lập (mặc định {default})", "members in the synthetic province (default {default})"
    ),
    "demo.seed": Message("hạt giống của bộ sinh dữ liệu (mặc định 7)", "generator seed (default 7)"),
    "demo.speed": Message(
        "số giây giả lập trên mỗi giây thật cho ngày tiếp nhận (mặc định 900: ca 15 giờ trong một phút)",
        "simulated seconds per real second for the intake day (default 900: a 15-hour shift in a minute)",
    ),
    "demo.names_only": Message("chỉ phần so sánh họ tên", "only the name-comparison walk-through"),
}

#: What the commands print while they work and when they finish.
_OUTPUT: Final = {
    # --- dedupe
    "dedupe.saved_model": Message("đã ghi mô hình vào {path}", "wrote the model to {path}"),
    "dedupe.compared": Message(
        "{members} đảng viên, đã so sánh {candidates} cặp ứng viên",
        "{members} members, {candidates} candidate pairs compared",
    ),
    "dedupe.found": Message(
        "{pairs} cặp trùng lặp, {clusters} nhóm là cùng một người",
        "{pairs} duplicate pairs, {clusters} clusters of one person",
    ),
    "dedupe.by_type": Message("  {type}: {count}", "  {type}: {count}"),
    "dedupe.shared": Message(
        "{pairs} cặp là hai người trên một số định danh ({type}): liệt kê riêng, không bao giờ gộp nhóm",
        "{pairs} pairs of two people on one citizen ID ({type}): listed apart, never clustered",
    ),
    "dedupe.cluster_bound": Message(
        "với --engine spark: số cặp trùng lặp tối đa mà máy điều khiển tự gom thành nhóm; quá số này, "
        "nhóm được tìm trên Spark (mặc định 20.000.000)",
        "with --engine spark: the most duplicate pairs the driver clusters itself; past it the clusters are "
        "found on Spark (default 20,000,000)",
    ),
    "dedupe.warning": Message("cảnh báo: {warning}", "warning: {warning}"),
    "dedupe.blocks_skipped": Message(
        "{blocks} khối đảng viên có chung {rule} quá lớn để so từng cặp (giới hạn {cap}) nên đã bỏ qua: "
        "{members} đảng viên, khối lớn nhất {largest}",
        "{blocks} blocks of members sharing one {rule} were too large to compare pairwise (cap {cap}) and were "
        "skipped: {members} members, the largest block {largest}",
    ),
    "dedupe.block_skipped": Message(
        "khối {members} đảng viên có chung {rule} quá lớn để so từng cặp (giới hạn {cap}) nên đã bỏ qua",
        "a block of {members} members sharing one {rule} was too large to compare pairwise (cap {cap}) and was skipped",
    ),
    "dedupe.wrote": Message("đã ghi {pairs} và {clusters}", "wrote {pairs} and {clusters}"),
    # --- revalidate: the progress line and the summary
    "revalidate.reading_population": Message("Đọc dữ liệu dân cư", "Reading the population data"),
    "revalidate.reading_roster": Message("Đọc danh sách đảng viên", "Reading the roster"),
    "revalidate.checking": Message("Đối chiếu và tìm trùng lặp", "Cross-checking and finding duplicates"),
    "revalidate.writing": Message("Ghi kết quả", "Writing the results"),
    "revalidate.summary_head": Message(
        "Đã đối chiếu {members} đảng viên với {population} bản ghi dân cư (ngày đối chiếu {as_of}), {seconds} giây",
        "Cross-checked {members} members against {population} population records (as of {as_of}) in {seconds} s",
    ),
    "revalidate.checks_not_run": Message("Kiểm tra không chạy vì thiếu cột:", "Checks not run for lack of a column:"),
    "revalidate.check_not_run": Message(
        "Không kiểm tra {check}: danh sách không có cột {columns}",
        "Not checked: {check}; the roster has no {columns} column",
    ),
    "revalidate.verdicts": Message("Kết luận:", "Verdicts:"),
    "revalidate.findings_by_code": Message("Phát hiện theo mã:", "Findings by code:"),
    "revalidate.duplicates": Message(
        "Trùng lặp: {clusters} nhóm, {pairs} cặp ({cleared} cặp được loại nhờ dữ liệu dân cư)",
        "Duplicates: {clusters} clusters, {pairs} pairs ({cleared} pairs cleared by the population data)",
    ),
    "revalidate.duplicate_row": Message("{clusters} nhóm {pairs} cặp", "{clusters} clusters {pairs} pairs"),
    "revalidate.worklists": Message(
        "Danh sách việc (các phát hiện cần xem xét và lỗi):", "Work lists (review and error findings):"
    ),
    "revalidate.wrote": Message("Đã ghi:", "Wrote:"),
    # --- generate
    "generate.progress": Message("{table}: {done}/{total} dòng", "{table}: {done}/{total} rows"),
    "generate.made": Message(
        "{members} đảng viên trong {roster_rows} dòng danh sách, {population_rows} bản ghi dân cư",
        "{members} members in {roster_rows} roster rows, {population_rows} population records",
    ),
    "generate.planted": Message(
        "{findings} phát hiện đã cài, {pairs} cặp trùng lặp", "{findings} planted findings, {pairs} duplicate pairs"
    ),
    "generate.wrote": Message("đã ghi {path}", "wrote {path}"),
    "generate.transfers": Message(
        "{transfers} đảng viên chuyển tỉnh còn trong danh sách tỉnh cũ",
        "{transfers} members who moved province still on the old roster",
    ),
    "generate.parts": Message(
        "{roster} phần danh sách, {population} phần dân cư", "{roster} roster parts, {population} population parts"
    ),
    "generate.took": Message("trong {seconds} giây", "in {seconds} s"),
    # --- progress
    "progress.title": Message("Tiến độ đợt tiếp nhận{key}", "Campaign progress{key}"),
    "progress.row_as_of": Message("tính đến", "as of"),
    "progress.required": Message("phải tiếp nhận", "required"),
    "progress.done_accepted": Message("đã xong (chấp nhận)", "done (accepted)"),
    "progress.done": Message("đã xong", "done"),
    "progress.excluded": Message("được miễn", "excluded"),
    "progress.blocked": Message("bị chặn", "blocked"),
    "progress.remaining": Message("còn lại", "remaining"),
    "progress.handled": Message("đã xử lý", "handled"),
    "progress.shift": Message("ca làm việc", "shift"),
    "progress.active_machines": Message("máy đang hoạt động", "active machines"),
    "progress.rate": Message("tốc độ mỗi máy mỗi ngày", "rate per machine per day"),
    "progress.rate_observed": Message(
        "{observed} thực tế so với chỉ tiêu {target} ({share})",
        "{observed} observed against a target of {target} ({share})",
    ),
    "progress.rate_target_only": Message(
        "chỉ tiêu {target} (ca làm việc chưa đủ một giờ: chưa đo được)",
        "target {target} (under an hour of shift history: nothing observed yet)",
    ),
    "progress.projected_target": Message("dự kiến xong theo chỉ tiêu", "projected at the target"),
    "progress.projected_observed": Message("dự kiến xong theo tốc độ thực tế", "projected at the observed rate"),
    "progress.row_deadline": Message("hạn chót", "deadline"),
    "progress.campaign": Message("đợt tiếp nhận", "campaign"),
    "progress.on_track": Message("kịp tiến độ", "on track"),
    "progress.will_miss": Message("sẽ trễ", "will miss"),
    "progress.will_miss_deadline": Message("sẽ trễ hạn chót", "will miss the deadline"),
    "progress.not_started": Message("chưa bắt đầu", "not started"),
    "progress.more": Message(", +{count} mục khác", ", +{count} more"),
    "progress.wards": Message("Xã/phường", "Wards"),
    "progress.col_ward": Message("xã/phường", "ward"),
    "progress.per_day": Message("mỗi ngày", "per day"),
    "progress.projected": Message("dự kiến xong", "projected"),
    "progress.sites": Message("Điểm tiếp nhận", "Sites"),
    "progress.site": Message("điểm", "site"),
    "progress.machines": Message("máy", "machines"),
    "progress.today": Message("hôm nay", "today"),
    "progress.vs_target": Message("so với chỉ tiêu", "vs target"),
    "progress.machines_title": Message("Máy tiếp nhận", "Machines"),
    "progress.site_machine": Message("điểm/máy", "site/machine"),
    "progress.intakes": Message("lượt tiếp nhận", "intakes"),
    "progress.first": Message("lượt đầu", "first"),
    "progress.last": Message("lượt cuối", "last"),
    "progress.units_title": Message("Tổ chức đảng", "Party organisations"),
    "progress.units_some": Message(
        " ({shown} nơi còn nhiều nhất trong {total})", " (the {shown} with the most remaining of {total})"
    ),
    "progress.unit": Message("tổ chức đảng", "party organisation"),
    "progress.blocked_by": Message("bị chặn do", "blocked by"),
    "progress.wards_missing": Message("Sẽ trễ hạn chót ({deadline}):", "Will miss the deadline ({deadline}):"),
    "progress.wards_not_started": Message("Chưa có lượt tiếp nhận nào:", "No intake yet:"),
    "progress.all_on_track": Message("Mọi xã/phường đều kịp hạn {deadline}.", "Every ward is on track for {deadline}."),
    # --- simulate
    "simulate.title": Message("Giả lập tiếp nhận", "Intake simulation"),
    "simulate.simulated": Message("khoảng giả lập", "simulated"),
    "simulate.wall_time": Message("thời gian thực", "wall time"),
    "simulate.seconds": Message("{seconds} giây", "{seconds} s"),
    "simulate.members_booked": Message("đảng viên được xếp lịch", "members booked"),
    "simulate.slots": Message("lượt tiếp nhận đã dùng", "intake slots used"),
    "simulate.submissions": Message("hồ sơ đã gửi", "submissions"),
    "simulate.excluded": Message("được miễn", "excluded"),
    "simulate.duplicates_sent": Message("trùng lặp gửi từ điểm khác", "duplicates sent from another site"),
    "simulate.duplicates_caught": Message(
        "trùng lặp bị phát hiện (ALREADY_SUBMITTED)", "duplicates caught (ALREADY_SUBMITTED)"
    ),
    "simulate.row_lost_answers": Message("câu trả lời bị mất và gửi lại", "answers lost and resent"),
    "simulate.same_answer": Message("{resent} ({same} nhận cùng câu trả lời)", "{resent} ({same} got the same answer)"),
    "simulate.retries": Message("gửi lại sau UNAVAILABLE", "retries after UNAVAILABLE"),
    "simulate.row_outages": Message("lần mất kết nối", "line outages"),
    "simulate.queued": Message("xếp hàng ngoại tuyến", "queued offline"),
    "simulate.replayed": Message("đã gửi lại từ hàng đợi", "replayed"),
    "simulate.refused": Message("bị từ chối", "refused"),
    "simulate.still_queued": Message("vẫn trong hàng đợi", "still queued"),
    "simulate.per_machine": Message("Theo từng máy", "Per machine"),
    "simulate.already_submitted": Message("đã gửi trước đó", "already submitted"),
    # --- demo
    "demo.step_names": Message(
        "1. Họ tên: cùng một tên viết khác nhau, và những người khác nhau có tên viết giống nhau",
        "1. Names: the same name written differently, and different people written alike",
    ),
    "demo.names_intro": Message(
        "doichieu demo — so sánh các cặp họ tên giả lập (bảng mã cũ, kiểu đặt dấu, biến thể):",
        "doichieu demo — comparing synthetic name pairs (legacy encodings, tone styles, variants):",
    ),
    "demo.step_generate": Message(
        "2. Một tỉnh giả lập có {members} đảng viên (không có dữ liệu của người thật)",
        "2. A synthetic province of {members} members (no real person's data)",
    ),
    "demo.step_revalidate": Message(
        "3. Đối chiếu: danh sách đảng viên với dữ liệu dân cư, trùng lặp, danh sách việc, báo cáo",
        "3. Revalidation: the roster against the population data, duplicates, work lists, report",
    ),
    "demo.step_serve": Message(
        "4. Máy chủ đối chiếu, như các điểm tiếp nhận gọi tới (gRPC trên cổng nội bộ)",
        "4. The verifier, as intake sites call it (gRPC on a loopback port)",
    ),
    "demo.listening": Message("máy chủ đối chiếu đang lắng nghe ở {address}", "verifier listening on {address}"),
    "demo.step_simulate": Message(
        "5. Một ngày tiếp nhận tua nhanh: 2 điểm x 7 máy, 250 hồ sơ mỗi máy, xã/phường {ward}",
        "5. A compressed intake day: 2 sites x 7 machines, 250 records per machine, ward {ward}",
    ),
    "demo.step_progress": Message(
        "6. Tiến độ so với chỉ tiêu và hạn chót", "6. Progress against the target and the deadline"
    ),
    "demo.finished": Message("Bản trình diễn xong sau {seconds} giây.", "Demo finished in {seconds} s."),
    "demo.report": Message("Báo cáo cho tổ dữ liệu của tỉnh: {path}", "Report for the provincial data team: {path}"),
    "demo.outputs": Message(
        "Danh sách việc và phát hiện: {results}   Tỉnh giả lập và đáp án: {province}",
        "Work lists and findings: {results}   Synthetic province and its planted truth: {province}",
    ),
    "demo.step_failed": Message(
        "bản trình diễn dừng: `doichieu {command}` kết thúc với mã {code}",
        "demo stopped: `doichieu {command}` exited with {code}",
    ),
    "demo.server_exited": Message(
        "bản trình diễn dừng: máy chủ đối chiếu kết thúc với mã {code} khi đang khởi động",
        "demo stopped: the verifier exited with {code} while starting",
    ),
    "demo.server_slow": Message(
        "bản trình diễn dừng: máy chủ đối chiếu không khởi động được trong 120 giây",
        "demo stopped: the verifier did not start within 120 s",
    ),
    "demo.no_wards": Message(
        "bản trình diễn dừng: danh sách vừa tạo không có xã/phường nào",
        "demo stopped: the generated roster has no wards",
    ),
}

#: What goes wrong, one line each: the errors the package raises by key
#: (``doichieu.errors.CataloguedError``) and what the command line wraps.
_ERRORS: Final = {
    "error.line": Message("{prog}: lỗi: {message}", "{prog}: error: {message}"),
    "error.interrupted": Message("{prog}: đã dừng theo yêu cầu (Ctrl-C)", "{prog}: stopped (Ctrl-C)"),
    "error.other": Message("dữ liệu không dùng được: {detail}", "input that cannot be used: {detail}"),
    "error.unexpected": Message(
        "lỗi không lường trước ({kind}); chạy lại với PYTHONDEVMODE=1 để xem chi tiết",
        "unexpected failure ({kind}); run again with PYTHONDEVMODE=1 for the details",
    ),
    "error.see_help": Message("(xem {prog} --help)", "(see {prog} --help)"),
    # files
    "file.not_found": Message("{path}: không có tệp này", "{path}: no such file"),
    "file.permission": Message("{path}: không có quyền đọc/ghi", "{path}: permission denied"),
    "file.is_folder": Message("{path}: là thư mục, không phải tệp", "{path}: is a folder, not a file"),
    "file.not_folder": Message("{path}: đã có và không phải thư mục", "{path}: exists and is not a folder"),
    "file.no_space": Message("{path}: ổ đĩa đã đầy", "{path}: no space left on the disk"),
    "file.os_error": Message("{path}: không truy cập được ({reason})", "{path}: cannot be accessed ({reason})"),
    "file.empty": Message("{file}: tệp rỗng (0 byte)", "{file}: the file is empty (0 bytes)"),
    "file.no_header": Message(
        "{file}: tệp không có dòng tiêu đề và không có dòng nào", "{file}: the file has no header and no rows"
    ),
    "file.no_columns": Message("{file}: tệp không có cột nào", "{file}: the file has no columns"),
    "spark.no_parts": Message(
        "{folder}: thư mục không có tệp .parquet nào", "{folder}: the folder holds no .parquet file"
    ),
    "spark.parquet_only": Message(
        "{file}: khi chạy trên Spark, bảng phải là tệp hoặc thư mục Parquet; lưu lại dạng Parquet "
        "hoặc chạy không có --engine spark",
        "{file}: on Spark a table must be a Parquet file or folder; save it as Parquet, or run without --engine spark",
    ),
    "spark.parts_differ": Message(
        "{file}: các cột khác với phần đầu tiên ({first}); mọi phần của một bảng phải có cùng tiêu đề cột",
        "{file}: the columns differ from the first part's ({first}); every part of a table must have the same headers",
    ),
    "spark.column_type": Message(
        "{file}: cột {column} có kiểu {type}; trên Spark một cột phải là văn bản, số nguyên, ngày hoặc đúng/sai "
        "(lưu lại cột đó dạng văn bản)",
        "{file}: column {column} is of type {type}; on Spark a column must be text, whole numbers, dates or "
        "true/false (save that column as text)",
    ),
    "spark.column_types_differ": Message(
        "{file}: cột {column} có kiểu {type}, khác với kiểu của nó trong phần đầu tiên ({first})",
        "{file}: column {column} is of type {type}, not the type it has in the first part ({first})",
    ),
    "spark.left_out": Message(
        "Không ghi (quá lớn; dữ liệu vẫn có đủ trong các tệp CSV và thư mục Parquet):",
        "Not written (too large; the data is all in the CSV files and Parquet folders):",
    ),
    "spark.left_out_worklist": Message(
        "{rows} dòng, quá {most} dòng một trang tính Excel chứa được; xem findings.csv hoặc findings/ (cột owner)",
        "{rows} rows, more than the {most} an Excel sheet holds; see findings.csv or findings/ (the owner column)",
    ),
    "spark.left_out_report": Message(
        "{pairs} cặp trùng lặp, quá {most} cặp một trang báo cáo hiển thị được; xem duplicates.csv hoặc pairs/",
        "{pairs} duplicate pairs, more than the {most} a report page can show; see duplicates.csv or pairs/",
    ),
    "spark.wrote_parts": Message("đã ghi các thư mục Parquet {folders}", "wrote the Parquet folders {folders}"),
    "spark.no_pyspark": Message(
        "chưa cài PySpark: pip install 'doichieu[spark]' (cần Java 17 hoặc 21)",
        "PySpark is not installed: pip install 'doichieu[spark]' (needs Java 17 or 21)",
    ),
    "file.no_rows": Message(
        "{file}: tệp có tiêu đề cột nhưng không có dòng dữ liệu", "{file}: the file has column headers but no rows"
    ),
    "file.sheet_empty": Message("{file}: trang tính đầu tiên trống", "{file}: the first sheet is empty"),
    "file.utf16": Message(
        "{file}: tệp ở dạng UTF-16 ('Unicode Text' của Excel); hãy lưu lại dạng 'CSV UTF-8 (Comma delimited)'",
        "{file}: the file is UTF-16 (Excel's 'Unicode Text'); save it as 'CSV UTF-8 (Comma delimited)'",
    ),
    "file.not_utf8": Message(
        "{file}: không phải UTF-8; có vẻ là Windows-1258/1252 hoặc bảng mã phông tiếng Việt cũ. "
        "Hãy lưu lại dạng 'CSV UTF-8' (Excel: File › Save As › CSV UTF-8), hoặc gửi chính tệp .xlsx",
        "{file}: not UTF-8; it looks like Windows-1258/1252 or a legacy Vietnamese font's bytes. "
        "Re-save it as 'CSV UTF-8' (Excel: File › Save As › CSV UTF-8), or send the .xlsx file itself",
    ),
    "file.not_utf8_at": Message(
        "{file}: không phải UTF-8 (byte {offset}); có vẻ là Windows-1258/1252 hoặc bảng mã phông tiếng Việt cũ. "
        "Hãy lưu lại dạng 'CSV UTF-8' (Excel: File › Save As › CSV UTF-8), hoặc gửi chính tệp .xlsx",
        "{file}: not UTF-8 (byte {offset}); it looks like Windows-1258/1252 or a legacy Vietnamese font's bytes. "
        "Re-save it as 'CSV UTF-8' (Excel: File › Save As › CSV UTF-8), or send the .xlsx file itself",
    ),
    "file.truncated": Message(
        "{file}: tệp có vẻ bị cắt cụt: dòng cuối có {fields}/{columns} trường và không có ký tự xuống dòng; "
        "hãy sao chép hoặc xuất lại",
        "{file}: the file looks truncated: its last line has {fields} of {columns} fields and no line end; "
        "copy or export it again",
    ),
    "file.broken_csv": Message(
        "{file}: CSV hỏng (dấu ngoặc kép chưa đóng hoặc một dòng nhiều trường hơn tiêu đề, như tệp bị cắt "
        "hoặc sửa tay): {detail}",
        "{file}: broken CSV (an unclosed quote or a row with more fields than the header, as in a file cut short "
        "or edited by hand): {detail}",
    ),
    "file.unreadable_csv": Message(
        "{file}: không đọc được dạng CSV ({detail})", "{file}: cannot be read as CSV ({detail})"
    ),
    "file.unreadable_xlsx": Message(
        "{file}: không mở được dạng sổ tính Excel; có thể tệp bị cắt, có mật khẩu hoặc là định dạng khác "
        "được lưu đuôi .xlsx ({detail})",
        "{file}: cannot be opened as an Excel workbook; it may be truncated, password-protected or another "
        "format saved as .xlsx ({detail})",
    ),
    "file.unreadable_parquet": Message(
        "{file}: không phải tệp Parquet đọc được; có thể bị cắt ({detail})",
        "{file}: not a readable Parquet file; it may be truncated ({detail})",
    ),
    "file.xls": Message(
        "{file}: không đọc định dạng Excel 97–2003 cũ; hãy mở bằng Excel và lưu thành .xlsx",
        "{file}: the old Excel 97–2003 format is not read; open it in Excel and save as .xlsx",
    ),
    "file.unsupported": Message(
        "{file}: không hỗ trợ loại tệp {suffix}; hãy dùng .csv, .xlsx hoặc .parquet",
        "{file}: unsupported file type {suffix}; use .csv, .xlsx or .parquet",
    ),
    "file.header_row_past_lines": Message(
        "--header-row {row}: phần đầu tệp chỉ có {lines} dòng",
        "--header-row {row}: the start of the file has {lines} lines",
    ),
    "file.named_sheet_empty": Message("{file}: trang '{sheet}' trống", "{file}: the sheet '{sheet}' is empty"),
    "file.header_row_past_sheet": Message(
        "--header-row {row}: trang '{sheet}' chỉ có {rows} dòng",
        "--header-row {row}: the sheet '{sheet}' has {rows} rows",
    ),
    "file.header_row_from_one": Message(
        "--header-row {row}: dòng được đánh số từ 1", "--header-row {row}: rows are numbered from 1"
    ),
    "file.sheet_not_excel": Message(
        "{file}: --sheet chỉ dùng cho tệp Excel (.xlsx); tệp này không có trang tính",
        "{file}: --sheet is for Excel workbooks (.xlsx); this file has no sheets",
    ),
    "file.no_such_sheet": Message(
        "{file}: không có trang '{sheet}' (các trang: {sheets})", "{file}: no sheet '{sheet}' (the sheets: {sheets})"
    ),
    "file.header_row_parquet": Message(
        "{file}: --header-row chỉ dùng cho tệp CSV và Excel; Parquet không có dòng tiêu đề phụ",
        "{file}: --header-row is for CSV and Excel files; Parquet has no rows of titles",
    ),
    "file.header_given": Message(
        " (tiêu đề đọc ở dòng {row}, theo --header-row)", " (headers read on row {row}, as --header-row says)"
    ),
    "file.header_not_found": Message(
        " (không dòng nào trong {rows} dòng đầu có tiêu đề nhận ra được; đã lấy dòng {row}: "
        "--header-row N và --sheet TÊN chỉ chỗ của bảng)",
        " (no row of the first {rows} holds known headers; row {row} was taken: "
        "--header-row N and --sheet NAME say where the table is)",
    ),
    "file.encoded_twice": Message(
        "{file}: chữ trong tệp đã bị mã hoá UTF-8 hai lần ({twice:,} trên {accented:,} ô có dấu hiện như "
        "'Nguyá»…n' thay cho 'Nguyễn'); hãy xuất lại tệp từ bản gốc dưới dạng CSV UTF-8 hoặc gửi tệp .xlsx",
        "{file}: the text was encoded as UTF-8 twice ({twice:,} of {accented:,} cells with accents read like "
        "'Nguyá»…n' for 'Nguyễn'); export the file again from the original as CSV UTF-8, or send the .xlsx file",
    ),
    "file.unreadable": Message("{file}: không đọc được ({detail})", "{file}: cannot be read ({detail})"),
    "file.not_a_model": Message(
        "{file}: không phải mô hình trùng lặp dùng được ({detail}); hãy huấn luyện lại bằng "
        "`doichieu dedupe --save-model`",
        "{file}: not a usable duplicate model ({detail}); train one again with `doichieu dedupe --save-model`",
    ),
    "file.names_not_utf8": Message(
        "{file}: không phải UTF-8 (byte {offset}); hãy lưu lại dạng UTF-8 "
        "(chữ bảng mã VNI/TCVN3 cũ bên trong tệp UTF-8 được tự sửa)",
        "{file}: not UTF-8 (byte {offset}); re-save the file as UTF-8 "
        "(legacy VNI/TCVN3 text inside a UTF-8 file is repaired automatically)",
    ),
    # output folders
    "output.not_a_folder": Message(
        "{out}: đã có và không phải thư mục",
        "{out}: exists and is not a folder",
    ),
    "output.foreign": Message(
        "{out}: thư mục có tệp không phải kết quả của doichieu ({names}); hãy chọn thư mục khác hoặc dọn thư mục này",
        "{out}: the folder holds files that are not doichieu outputs ({names}); choose another folder or empty it",
    ),
    "output.writing": Message(
        "lỗi khi ghi {path}: {error}",
        "could not write {path}: {error}",
    ),
    "output.kept": Message(
        "chưa ghi gì vào {out}: kết quả lần chạy trước vẫn nguyên vẹn, thư mục tạm đã được xoá",
        "nothing written to {out}: the previous outputs are untouched and the temporary folder was removed",
    ),
    "output.old_left": Message(
        "kết quả mới đã ở {out}; không xoá được bản cũ {old}: {error}",
        "the new outputs are in {out}; the previous ones could not be removed from {old}: {error}",
    ),
    # the audit trail
    "audit.intact": Message(
        "Chuỗi nhật ký nguyên vẹn: {entries} mục (từ #{first} đến #{last}); mã băm cuối chuỗi {head}",
        "Audit chain intact: {entries} entries (#{first} to #{last}); head hash {head}",
    ),
    "audit.empty": Message(
        "Nhật ký chưa có mục nào",
        "The audit trail has no entries",
    ),
    "audit.broken": Message(
        "Chuỗi nhật ký bị phá vỡ tại mục #{seq}: {problem} ({entries} mục trước đó nguyên vẹn)",
        "Audit chain broken at entry #{seq}: {problem} ({entries} entries before it intact)",
    ),
    "audit.unanchored": Message(
        "thiếu các mục trước nó mà không có mục xoá định kỳ nào ghi nhận",
        "the entries before it are missing and no purge entry accounts for them",
    ),
    "audit.missing": Message(
        "thiếu mục",
        "entry missing",
    ),
    "audit.link": Message(
        "mã băm mục trước không khớp",
        "its previous hash is not the hash of the entry before it",
    ),
    "audit.altered": Message(
        "mục đã bị sửa: mã băm không khớp",
        "entry altered: its hash does not match",
    ),
    "audit.purged": Message(
        "Đã xoá {removed} mục cũ hơn {days} ngày; chuỗi được neo tại mục xoá định kỳ",
        "Removed {removed} entries older than {days} days; the chain is anchored by a purge entry",
    ),
    "audit.nobody": Message(
        "Không ai tra cứu công dân này",
        "Nobody looked up this citizen",
    ),
    "audit.header": Message(
        "Thời điểm (giờ Việt Nam)\tThao tác\tĐiểm\tMáy\tĐịa chỉ\tMã đảng viên\tKết luận\tMã yêu cầu",
        "Time (Vietnam)\tMethod\tSite\tMachine\tPeer\tMember ID\tVerdict\tRequest ID",
    ),
    "audit.bad_days": Message(
        "--older-than phải là số ngày dương",
        "--older-than must be a positive number of days",
    ),
    "audit.help": Message(
        "nhật ký tra cứu của máy chủ đối chiếu: kiểm tra chuỗi, xoá mục cũ, ai đã tra cứu",
        "the verifier's audit trail: verify the chain, purge old entries, who looked up",
    ),
    "audit.epilog": Message(
        "Ví dụ:\n  doichieu audit verify --audit doichieu-ledger.audit.db\n  doichieu audit purge --older-than 365\n  doichieu audit who --citizen-id 001090012345 --key-file /khoa/audit.key",
        "Examples:\n  doichieu audit verify --audit doichieu-ledger.audit.db\n  doichieu audit purge --older-than 365\n  doichieu audit who --citizen-id 001090012345 --key-file /keys/audit.key",
    ),
    "audit.trail": Message(
        "tệp nhật ký tra cứu (mặc định ./{default})",
        "the audit trail (default ./{default})",
    ),
    "audit.verify_help": Message(
        "kiểm tra chuỗi mã băm; mã thoát 1 nếu chuỗi bị phá vỡ",
        "check the hash chain; exit code 1 if it is broken",
    ),
    "audit.purge_help": Message(
        "xoá các mục quá thời hạn lưu giữ",
        "remove the entries past the retention period",
    ),
    "audit.older_than": Message(
        "thời hạn lưu giữ, tính bằng ngày",
        "retention period in days",
    ),
    "audit.who_help": Message(
        "ai đã tra cứu một công dân, và khi nào",
        "who looked up a citizen, and when",
    ),
    "audit.citizen_id": Message(
        "số định danh cần tra; bỏ trống thì nhập từ đầu vào chuẩn (không hiện trên màn hình, không lưu trong lịch sử lệnh)",
        "the citizen ID looked up; left out, it is read from standard input (not shown, not kept in the shell's history)",
    ),
    "audit.citizen_id_prompt": Message("Số định danh cần tra: ", "Citizen ID to look up: "),
    "audit.no_citizen_id": Message(
        "chưa có số định danh cần tra (--citizen-id, hoặc một dòng ở đầu vào chuẩn)",
        "no citizen ID to look up (--citizen-id, or one line on standard input)",
    ),
    "audit.key_file": Message(
        "khoá nhật ký của máy chủ, quyền 0600 (mặc định: cạnh tệp nhật ký, AUDIT.key)",
        "the server's audit key, mode 0600 (default: beside the trail, AUDIT.key)",
    ),
    "serve.audit": Message(
        "nhật ký mọi lượt tra cứu và nộp hồ sơ (mặc định: cạnh sổ SQLite, LEDGER.audit.db)",
        "audit trail of every lookup and submission (default: beside the SQLite ledger, LEDGER.audit.db)",
    ),
    "serve.audit_key_file": Message(
        "khoá của mã băm số định danh trong nhật ký, quyền 0600; tạo mới nếu chưa có (mặc định: cạnh nhật ký, LEDGER.audit.key; nên để ngoài ổ chứa sổ)",
        "key of the audit trail's citizen-ID hashes, mode 0600; created if missing (default: beside the trail, LEDGER.audit.key; keep it off the ledger's volume)",
    ),
    "serve.audit_retention_days": Message(
        "xoá các mục nhật ký cũ hơn DAYS ngày khi khởi động và mỗi giờ (mặc định: giữ đến khi chạy `doichieu audit purge`)",
        "purge audit entries older than DAYS at start and every hour (default: keep them until `doichieu audit purge`)",
    ),
    "serve.metrics_port": Message(
        "phục vụ số đo Prometheus ở cổng này (mặc định: không có)",
        "serve Prometheus metrics on this port (default: no metrics)",
    ),
    "serve.metrics_address": Message(
        "địa chỉ của cổng số đo (mặc định 127.0.0.1)",
        "address of the metrics port (default 127.0.0.1)",
    ),
    "serve.log_format": Message(
        "dòng nhật ký dạng văn bản hoặc mỗi dòng một đối tượng JSON",
        "log lines as text or one JSON object each",
    ),
    # columns
    "columns.problem": Message(
        "{what}: {problems}. Tiêu đề được chấp nhận (không phân biệt hoa thường và dấu) gồm {accepted}",
        "{what}: {problems}. Headers accepted (case and accents do not matter) include {accepted}",
    ),
    "columns.missing": Message("thiếu cột bắt buộc: {columns}", "missing required column(s): {columns}"),
    "columns.unknown": Message("cột không nhận ra: {columns}", "unrecognised column(s): {columns}"),
    "columns.duplicated": Message("cột được cho hai lần: {columns}", "column(s) given twice: {columns}"),
    "columns.ignore_hint": Message(
        "; dùng --ignore-unknown-columns để để riêng các cột không nhận ra",
        "; use --ignore-unknown-columns to set unrecognised columns aside",
    ),
    "columns.same_header": Message(
        "{file}: tiêu đề cột bị trùng: {pairs}; hãy đổi tên hoặc xoá một cột",
        "{file}: the same header written twice: {pairs}; rename or remove one of them",
    ),
    "columns.same_header_pair": Message(
        "'{header}' ở cột {first} và cột {second}", "'{header}' in columns {first} and {second}"
    ),
    "columns.roster": Message("danh sách {what}", "roster {what}"),
    "columns.population": Message("dữ liệu dân cư {what}", "population {what}"),
    # command-line values
    "value.date": Message("{value!r} không phải ngày dạng YYYY-MM-DD", "{value!r} is not a date as YYYY-MM-DD"),
    "value.iso_time": Message(
        "{flag}: cần thời điểm ISO 8601, nhận được {value!r}", "{flag}: expected ISO 8601, got {value!r}"
    ),
    "value.date_or_time": Message(
        "{flag}: cần YYYY-MM-DD hoặc ISO 8601, nhận được {value!r}",
        "{flag}: expected YYYY-MM-DD or ISO 8601, got {value!r}",
    ),
    "value.row_number": Message("{value!r} không phải số dòng", "{value!r} is not a row number"),
    "value.row_from_one": Message("dòng được đánh số từ 1, nhận được {value}", "rows are numbered from 1, got {value}"),
    "table.sheet": Message(
        "trang tính của {whose} trong tệp .xlsx, theo tên hoặc số thứ tự từ 1 "
        "(mặc định: trang đầu tiên có tiêu đề cột nhận ra được)",
        "{whose} sheet in an .xlsx workbook, by name or number from 1 "
        "(default: the first sheet with known column headers)",
    ),
    "table.header_row": Message(
        "dòng tiêu đề cột của {whose}, đánh số như Excel hoặc trình soạn thảo hiện (mặc định: tự tìm)",
        "the row of {whose} column headers, as Excel or a text editor numbers it (default: found by itself)",
    ),
    "table.whose_roster": Message("danh sách đảng viên", "the roster's"),
    "table.whose_population": Message("dữ liệu dân cư", "the population's"),
    "value.full_disclosure_needs_ca": Message(
        "--full-disclosure-sites cần --client-ca: điểm tiếp nhận được nhận biết qua chứng thư của nó",
        "--full-disclosure-sites needs --client-ca: a site is known by its client certificate",
    ),
    "value.full_disclosure_unreadable": Message(
        "--full-disclosure-sites: không đọc được {path}: {reason}",
        "--full-disclosure-sites: cannot read {path}: {reason}",
    ),
    "value.full_disclosure_line": Message(
        "--full-disclosure-sites: dòng {line} của {path} không phải mã điểm tiếp nhận ({form})",
        "--full-disclosure-sites: line {line} of {path} is not a site ID ({form})",
    ),
    "value.stream_memory": Message(
        "--stream-memory-budget phải ít nhất bằng --stream-memory-per-stream, và cả hai phải dương",
        "--stream-memory-budget must be at least --stream-memory-per-stream, and both positive",
    ),
    "serve.plaintext_refused": Message(
        "Không khởi động: {host} không phải địa chỉ loopback, họ tên, ngày sinh và số định danh sẽ đi qua mạng "
        "không mã hoá. Dùng --tls-cert và --tls-key (và --client-ca cho TLS hai chiều), hoặc ghi rõ --insecure "
        "nếu mạng đã được bảo vệ cách khác.",
        "Not starting: {host} is not a loopback address, and names, dates of birth and citizen IDs would cross the "
        "network unencrypted. Use --tls-cert and --tls-key (and --client-ca for mutual TLS), or say --insecure "
        "explicitly if the network is protected some other way.",
    ),
    "value.metrics_port": Message("--metrics-port phải từ 1 đến 65535", "--metrics-port must be between 1 and 65535"),
    "value.audit_retention_days": Message(
        "--audit-retention-days phải là số ngày dương", "--audit-retention-days must be a positive number of days"
    ),
    "audit.no_trail": Message("không có nhật ký tra cứu ở {path}", "no audit trail at {path}"),
    "value.positive": Message("{flag} phải lớn hơn 0", "{flag} must be positive"),
    "value.share": Message("{flag} phải là tỉ lệ từ 0 đến 1", "{flag} must be a share between 0 and 1"),
    "value.units": Message("--units phải là 0 (tất cả) hoặc lớn hơn", "--units must be 0 (all) or more"),
    "value.needs": Message("{flag} cần có {other}: {why}", "{flag} needs {other}: {why}"),
    "value.dedup_model_why": Message(
        "mô hình dùng để tìm trùng lặp trong danh sách phải tiếp nhận", "the model deduplicates the required list"
    ),
    "value.client_cert_why": Message("CA của máy chủ", "the server's CA"),
    "value.rate_form": Message(
        "--rate cần dạng TÊN=GIÁ_TRỊ (ví dụ typo=0.02), nhận được {value!r}",
        "--rate takes NAME=VALUE (e.g. typo=0.02), got {value!r}",
    ),
    "value.rate_number": Message("--rate {name}: {value!r} không phải số", "--rate {name}: {value!r} is not a number"),
    "value.members_range": Message(
        "--members phải từ 1 đến {most} (cả nước khoảng 5,6 triệu đảng viên), nhận được {value}",
        "--members must be between 1 and {most} (the national roster is about 5.6 million), got {value}",
    ),
    "value.xlsx_too_big": Message(
        "một trang tính Excel chứa nhiều nhất {most} dòng kể cả tiêu đề, tỉnh này cần {rows}; "
        "hãy dùng --format parquet hoặc csv (xlsx dành cho tỉnh tới khoảng một triệu đảng viên)",
        "an Excel sheet holds at most {most} rows with its header, and this province needs {rows}; "
        "use --format parquet or csv (xlsx is for provinces up to about a million members)",
    ),
    "value.out_required": Message("generate: cần --out THƯ_MỤC", "generate: --out FOLDER is required"),
    "value.national_why": Message("chỉ áp dụng khi tạo cả nước", "it applies to the whole country only"),
    "value.not_with_national": Message(
        "{flag} không dùng với --national (cả nước gồm mọi tỉnh, ghi Parquet; số dân đặt bằng --population)",
        "{flag} does not go with --national (the country has every province, written as Parquet; "
        "set the people with --population)",
    ),
    "value.national_members": Message(
        "--members với --national phải từ 63 (mỗi tỉnh một người) đến {most}, nhận được {value}",
        "--members with --national must be between 63 (one per province) and {most}, got {value}",
    ),
    "value.national_population": Message(
        "--population phải từ số đảng viên ({members}) đến {most}, nhận được {value}",
        "--population must be between the members ({members}) and {most}, got {value}",
    ),
    "value.cross_province_transfer": Message(
        "--cross-province-transfer phải từ 0 đến {most}, nhận được {value}",
        "--cross-province-transfer must be between 0 and {most}, got {value}",
    ),
    "value.integer": Message(
        "{flag} phải là số nguyên, nhận được {value!r}", "{flag} must be an integer, got {value!r}"
    ),
    "value.seed": Message(
        "--seed phải từ 0 đến 2**64 - 1, nhận được {value}", "--seed must be between 0 and 2**64 - 1, got {value}"
    ),
    "value.sites": Message(
        "--sites phải ít nhất là 1 và --machines ít nhất bằng --sites",
        "--sites must be at least 1 and --machines at least --sites",
    ),
    "value.future_end": Message(
        "--end không được ở tương lai: máy chủ từ chối thời điểm tiếp nhận sau đồng hồ của nó",
        "--end must not lie in the future: the server refuses capture times ahead of its clock",
    ),
    "value.no_ward": Message(
        "--ward: không có đảng viên nào của danh sách ở {ward!r}", "--ward: no member of the roster is in {ward!r}"
    ),
    "value.names_line": Message(
        "dòng {line}: cần một họ tên, hoặc hai họ tên cách nhau bằng một dấu tab",
        "line {line}: expected one name, or two names separated by one tab",
    ),
    # the verifier, seen from the command line
    "value.shift_form": Message(
        "ca làm việc: cần dạng HH:MM-HH:MM, nhận được {value!r}", "shift: expected HH:MM-HH:MM, got {value!r}"
    ),
    "value.shift_order": Message(
        "ca làm việc: giờ kết thúc phải sau giờ bắt đầu trong cùng ngày, nhận được {value!r}",
        "shift: the end must come after the start on the same day, got {value!r}",
    ),
    "value.together": Message("{flags}: phải dùng cùng nhau", "{flags}: go together"),
    "audit.key_unreadable": Message(
        "không đọc được tệp khóa nhật ký tra cứu {path}: {reason}", "cannot read the audit key {path}: {reason}"
    ),
    "audit.key_shared": Message(
        "tệp khóa nhật ký tra cứu {path} người khác đọc được; hãy chạy chmod 600 cho tệp",
        "the audit key {path} is readable by others; chmod 600 it",
    ),
    "audit.key_short": Message(
        "tệp khóa nhật ký tra cứu {path} quá ngắn (ít nhất 16 byte)",
        "the audit key {path} is too short (at least 16 bytes)",
    ),
    "audit.trail_unopenable": Message(
        "không mở được nhật ký tra cứu {path}: {reason}", "cannot open the audit trail {path}: {reason}"
    ),
    "value.audit_needs_key": Message(
        "nhật ký tra cứu cần tệp khóa (--audit-key-file)",
        "the audit trail needs its key file (--audit-key-file)",
    ),
    "value.client_key_pair": Message(
        "chứng chỉ máy khách cần khoá của nó, và khoá cần chứng chỉ của nó (--cert, --key)",
        "a client certificate needs its key, and a key its certificate (--cert, --key)",
    ),
    "value.client_ca": Message(
        "--client-ca (TLS hai chiều) cần --tls-cert và --tls-key",
        "--client-ca (mutual TLS) needs --tls-cert and --tls-key",
    ),
    "value.max_chunk": Message(
        "--max-chunk phải từ 1 đến 100000 bản ghi", "--max-chunk must be between 1 and 100000 records"
    ),
    "value.at_least_one": Message("{flag} phải ít nhất là 1", "{flag} must be at least 1"),
    "value.max_streams": Message(
        "--max-streams phải ít nhất là 1 và nhỏ hơn --max-concurrent-rpcs ({most}): "
        "các chỗ còn lại dành cho Verify và Submit",
        "--max-streams must be at least 1 and below --max-concurrent-rpcs ({most}): "
        "the slots above it are kept for Verify and Submit",
    ),
    "value.ledger_no_path": Message(
        "--ledger: địa chỉ sqlite không có đường dẫn (dùng sqlite:///duong/dan/tuyet/doi.db)",
        "--ledger: sqlite URL without a path (use sqlite:///abs/path.db)",
    ),
    "value.ledger_scheme": Message(
        "--ledger: cần sqlite:///duong_dan hoặc postgresql://…, nhận được loại địa chỉ khác (scheme)",
        "--ledger: expected sqlite:///path or postgresql://…, got another scheme",
    ),
    "value.ledger_no_folder": Message(
        "--ledger: thư mục {folder} không tồn tại", "--ledger: the ledger folder {folder} does not exist"
    ),
    "value.ledger_sqlite": Message(
        "--ledger: không mở được sổ ghi SQLite {path}: {reason}",
        "--ledger: cannot open the SQLite ledger {path}: {reason}",
    ),
    "value.ledger_postgresql": Message(
        "--ledger: không mở được sổ ghi PostgreSQL: {reason}", "--ledger: cannot open the PostgreSQL ledger: {reason}"
    ),
    "value.required_list_columns": Message(
        "--roster: danh sách phải tiếp nhận cần có các cột {columns}",
        "--roster: the required list needs the columns {columns}",
    ),
    "serve.cannot_listen": Message("không lắng nghe được ở {address}", "cannot listen on {address}"),
    "file.pem_unreadable": Message("{flag}: không đọc được {path}: {reason}", "{flag}: cannot read {path}: {reason}"),
    "file.not_pem": Message("{flag}: {path} không phải tệp PEM", "{flag}: {path} is not a PEM file"),
    "grpc.failed": Message(
        "gọi {method} tới {address} không thành công: {code} {details}",
        "{method} on {address} failed: {code} {details}",
    ),
}

#: What the reader chose and set aside in a file (``doichieu.table_layout.TableReading``),
#: on the terminal and in the report.
_READING: Final = {
    "reading.read": Message("đọc {file}", "read {file}"),
    "reading.sheet": Message(", trang '{sheet}'", ", sheet '{sheet}'"),
    "reading.header_found": Message(", tiêu đề ở dòng {row}", ", headers on row {row}"),
    "reading.header_given": Message(
        ", tiêu đề ở dòng {row} (theo --header-row)", ", headers on row {row} (from --header-row)"
    ),
    "reading.header_first": Message(
        ", tiêu đề ở dòng {row} (không nhận ra tiêu đề nào)", ", headers on row {row} (no known headers found)"
    ),
    "reading.rows": Message(": {rows:,} dòng dữ liệu", ": {rows:,} data rows"),
    "reading.sheets_passed": Message(
        "  bỏ qua trang {sheets} (không có tiêu đề cột)", "  passed over sheet {sheets} (no column headers)"
    ),
    "reading.title_rows": Message(
        "  bỏ qua {rows} dòng tiêu đề phía trên", "  skipped {rows} title rows above the headers"
    ),
    "reading.skipped": Message(
        "  bỏ qua {total:,} dòng không phải đảng viên: {reasons}",
        "  skipped {total:,} rows that are not members: {reasons}",
    ),
    "reading.skip.numbers": Message("{count:,} dòng đánh số cột", "{count:,} column numbering"),
    "reading.skip.blank": Message("{count:,} dòng trống", "{count:,} blank"),
    "reading.skip.total": Message("{count:,} dòng tổng cộng", "{count:,} totals"),
    "reading.skip.signature": Message("{count:,} dòng ngày tháng, chữ ký", "{count:,} place-and-date and signature"),
    "reading.controls": Message(
        "  đã xoá {characters:,} ký tự điều khiển (như NUL) trong {cells:,} ô",
        "  removed {characters:,} control characters (such as NUL) from {cells:,} cells",
    ),
}

#: The report's words (``doichieu.report``): the page shows both languages, Vietnamese first.
_REPORT: Final = {
    "report.local_time": Message("giờ Việt Nam", "Vietnam time"),
    "report.agree": Message("Giống nhau", "agree"),
    "report.close": Message("Gần giống", "nearly agree"),
    "report.differ": Message("Khác nhau", "differ"),
    "report.missing": Message("Thiếu ở một bên", "missing on one side"),
    "report.technical": Message("Điểm theo từng trường (kỹ thuật)", "per-field scores (technical)"),
    "report.population_check.same_citizen": Message("cùng một công dân", "the same citizen"),
    "report.population_check.different_citizens": Message("hai công dân khác nhau", "two different citizens"),
    "report.population_check.unknown": Message("chưa xác định", "not known"),
    "report.empty": Message("trống", "empty"),
    "report.readings": Message(
        "Những gì đã đọc và để riêng trong các tệp đầu vào", "What was read and set aside in the input files"
    ),
    "report.chart.verdicts": Message("Kết luận", "verdicts"),
    "report.chart.members": Message("đảng viên", "members"),
    "report.chart.codes": Message("Phát hiện theo mã", "findings by code"),
    "report.chart.findings": Message("phát hiện", "findings"),
    "report.chart.owners": Message("Phát hiện theo người xử lý", "findings by owner"),
    "report.chart.wards": Message(
        "Phường/xã cần xử lý nhiều nhất ({count} nơi đầu)", "wards with most members to act on (top {count})"
    ),
    "report.chart.units": Message("Chi bộ theo tỷ lệ cần xử lý", "party organisations by share of members to act on"),
    "report.chart.units_x": Message("% đảng viên cần xem xét hoặc bị từ chối", "% of members in review or reject"),
    "report.chart.units_y": Message("số chi bộ", "party organisations"),
    "report.chart.duplicates": Message("Trùng lặp theo loại (cặp)", "duplicates by type (pairs)"),
    "report.chart.pairs": Message("cặp", "pairs"),
}

#: The work lists' words (``doichieu.worklist``). A work list is a Vietnamese
#: document for the officers: it is written with the Vietnamese forms whatever
#: ``--lang`` says, so that every list of a campaign has the same headers and
#: sheets (and a later reader finds the done and note columns); the English
#: forms say what each one means.
_WORKLIST: Final = {
    "worklist.column.name_as_read": Message("Họ và tên đọc được", "Full name as read"),
    "worklist.column.code": Message("Mã phát hiện", "Finding code"),
    "worklist.column.severity": Message("Mức độ", "Severity"),
    "worklist.column.owner": Message("Người xử lý", "Owner"),
    "worklist.column.field": Message("Trường dữ liệu", "Field"),
    "worklist.column.party_value": Message("Giá trị trên hồ sơ đảng viên", "Party record value"),
    "worklist.column.population_value": Message("Giá trị trong CSDL dân cư", "Population data value"),
    "worklist.column.message_vi": Message("Nội dung phát hiện", "Finding"),
    "worklist.column.action_vi": Message("Việc cần làm", "What to do"),
    "worklist.column.candidates": Message("Người có thể phù hợp", "Candidates"),
    "worklist.column.source_file": Message("Tệp nguồn", "Source file"),
    "worklist.column.source_sheet": Message("Trang tính nguồn", "Source sheet"),
    "worklist.column.source_row": Message("Dòng nguồn", "Source row"),
    "worklist.column.done": Message("Đã xử lý", "Done"),
    "worklist.column.note": Message("Ghi chú", "Note"),
    # The legend's columns holding English text keep English headers in the Vietnamese document.
    "worklist.column.summary_vi": Message("Ý nghĩa", "Meaning (Vietnamese)"),
    "worklist.column.summary_en": Message("Meaning", "Meaning"),
    "worklist.column.action_en": Message("What to do", "What to do"),
    "worklist.sheet.no_ward": Message("Chưa rõ xã-phường", "Ward not known"),
    "worklist.sheet.not_eligible": Message("Không đủ điều kiện cấp thẻ", "Not eligible for a card"),
    "worklist.sheet.legend": Message("Mã lỗi (codes)", "Finding codes"),
    "worklist.sheet.info": Message("Thông tin", "About this list"),
    "worklist.info.owner": Message("Danh sách việc cho", "Work list for"),
    "worklist.info.rows": Message("Số dòng", "Rows"),
    # A campaign's stamp on its lists (doichieu.campaign): which campaign and run they come from.
    "worklist.info.campaign": Message("Chiến dịch", "Campaign"),
    "worklist.info.run": Message("Lần chạy", "Run"),
}


#: argparse's own words (its msgids, looked up by ``argparse_gettext``), with
#: its ``%`` placeholders kept as they are.
ARGPARSE_MESSAGES: Final = MappingProxyType(
    {
        "usage: ": Message("cách dùng: ", "usage: "),
        "options": Message("tuỳ chọn", "options"),
        "positional arguments": Message("tham số vị trí", "positional arguments"),
        "show this help message and exit": Message("in hướng dẫn này rồi dừng", "show this help message and exit"),
        "%(prog)s: error: %(message)s\n": Message("%(prog)s: lỗi: %(message)s\n", "%(prog)s: error: %(message)s\n"),
        "argument %(argument_name)s: %(message)s": Message(
            "tham số %(argument_name)s: %(message)s", "argument %(argument_name)s: %(message)s"
        ),
        "unrecognized arguments: %s": Message("tham số không nhận ra: %s", "unrecognized arguments: %s"),
        "the following arguments are required: %s": Message(
            "thiếu các tham số bắt buộc: %s", "the following arguments are required: %s"
        ),
        "one of the arguments %s is required": Message(
            "cần một trong các tham số %s", "one of the arguments %s is required"
        ),
        "not allowed with argument %s": Message("không dùng cùng tham số %s được", "not allowed with argument %s"),
        "ignored explicit argument %r": Message("bỏ qua giá trị %r", "ignored explicit argument %r"),
        "expected one argument": Message("cần một giá trị", "expected one argument"),
        "expected at most one argument": Message("cần nhiều nhất một giá trị", "expected at most one argument"),
        "expected at least one argument": Message("cần ít nhất một giá trị", "expected at least one argument"),
        "expected %s argument": Message("cần %s giá trị", "expected %s argument"),
        "expected %s arguments": Message("cần %s giá trị", "expected %s arguments"),
        "ambiguous option: %(option)s could match %(matches)s": Message(
            "tuỳ chọn chưa rõ: %(option)s có thể là %(matches)s",
            "ambiguous option: %(option)s could match %(matches)s",
        ),
        "unexpected option string: %s": Message("tuỳ chọn không mong đợi: %s", "unexpected option string: %s"),
        "invalid %(type)s value: %(value)r": Message(
            "giá trị %(type)s không hợp lệ: %(value)r", "invalid %(type)s value: %(value)r"
        ),
        "invalid choice: %(value)r (choose from %(choices)s)": Message(
            "lựa chọn không hợp lệ: %(value)r (chọn trong %(choices)s)",
            "invalid choice: %(value)r (choose from %(choices)s)",
        ),
        "can't open '%(filename)s': %(error)s": Message(
            "không mở được '%(filename)s': %(error)s", "can't open '%(filename)s': %(error)s"
        ),
        "show program's version number and exit": Message(
            "in phiên bản của chương trình rồi dừng", "show program's version number and exit"
        ),
    }
)


#: The live progress page (``doichieu progress-page``): its options, what it shows, why it refuses.
_PAGE: Final = {
    "progress-page.help": Message(
        "trang tiến độ trực tiếp cho ban chỉ đạo, đọc sổ tiếp nhận (chỉ đọc), tự làm mới",
        "a live progress page for the steering committee, read from the intake ledger (read-only), refreshing itself",
    ),
    "progress-page.epilog": Message(
        "Ví dụ:\n"
        "  doichieu progress-page --ledger sqlite:///so-tiep-nhan.db --roster danh_sach.xlsx --deadline 2025-10-15\n"
        "  doichieu progress-page --ledger postgresql://… --roster danh_sach.xlsx --host 0.0.0.0 --token-file ma.txt\n"
        "\nMặc định chỉ nghe trên 127.0.0.1. Mở ra mạng cần --token-file (Authorization: Bearer, hoặc mở một lần "
        "/?token=… để trình duyệt nhớ) hoặc TLS hai chiều (--tls-cert, --tls-key, --client-ca).\n"
        "Chỉ có số đếm: không có họ tên hay số định danh nào.",
        "Examples:\n"
        "  doichieu progress-page --ledger sqlite:///intake-ledger.db --roster roster.xlsx --deadline 2025-10-15\n"
        "  doichieu progress-page --ledger postgresql://… --roster roster.xlsx --host 0.0.0.0 --token-file token.txt\n"
        "\nListens on 127.0.0.1 only by default. Beyond loopback it needs --token-file (Authorization: Bearer, or open "
        "/?token=… once and the browser keeps it) or mutual TLS (--tls-cert, --tls-key, --client-ca).\n"
        "Counts only: no name or ID number.",
    ),
    "page.ledger": Message(
        "sổ tiếp nhận của máy chủ đối chiếu: sqlite:///duong_dan.db (mặc định ./doichieu-ledger.db) hoặc postgresql://…",
        "the verifier's intake ledger: sqlite:///path.db (default ./doichieu-ledger.db) or postgresql://…",
    ),
    "page.roster": Message(
        "danh sách phải tiếp nhận (như --roster của serve): cho số phải tiếp nhận và số còn lại",
        "the required list (serve's --roster): gives the required and remaining counts",
    ),
    "page.port": Message("cổng (mặc định 8050; 0: chọn một cổng trống)", "port (default 8050; 0 picks a free one)"),
    "page.token_file": Message(
        "tệp chứa mã truy cập (dòng đầu): người xem phải gửi mã này",
        "file holding the access token (first line): viewers must present it",
    ),
    "page.refresh": Message(
        "trình duyệt tải lại trang sau ngần này giây (mặc định {default})",
        "the browser reloads the page after this many seconds (default {default})",
    ),
    "page.recompute": Message(
        "số liệu được tính lại từ sổ nhiều nhất một lần trong ngần này giây (mặc định {default})",
        "the figures are recomputed from the ledger at most once in this many seconds (default {default})",
    ),
    "page.listening": Message("Trang tiến độ: {url}", "Progress page: {url}"),
    "page.unprotected": Message(
        "Không khởi động: {host} không phải địa chỉ loopback, trang sẽ mở cho cả mạng. Dùng --token-file, "
        "hoặc TLS hai chiều (--tls-cert, --tls-key và --client-ca).",
        "Not starting: {host} is not a loopback address, and the page would be open to the network. Use "
        "--token-file, or mutual TLS (--tls-cert, --tls-key and --client-ca).",
    ),
    "page.tls_pair": Message(
        "--tls-cert và --tls-key đi cùng nhau; --client-ca cần cả hai",
        "--tls-cert and --tls-key go together; --client-ca needs both",
    ),
    "page.token_empty": Message(
        "--token-file: {path} không có mã (dòng đầu trống)", "--token-file: {path} holds no token (first line empty)"
    ),
    "page.ledger_missing": Message(
        "không có sổ tiếp nhận {path}: hãy chạy máy chủ đối chiếu trước, hoặc chỉ đúng --ledger",
        "no intake ledger at {path}: start the verifier first, or point --ledger at it",
    ),
    "page.refused": Message(
        "Cần mã truy cập: gửi Authorization: Bearer <mã>, hoặc mở /?token=<mã> một lần.",
        "An access token is required: send Authorization: Bearer <token>, or open /?token=<token> once.",
    ),
    "page.wrong_host": Message(
        "Trang này chỉ mở trên chính máy chủ: http://127.0.0.1:<cổng>/ (hoặc qua đường hầm SSH).",
        "This page opens only on the server itself: http://127.0.0.1:<port>/ (or through an SSH tunnel).",
    ),
    "page.unavailable": Message(
        "Chưa đọc được sổ tiếp nhận; trang sẽ có khi đọc được. Thử lại sau ít giây.",
        "The intake ledger could not be read yet; the page comes once it can. Try again in a few seconds.",
    ),
    "page.refreshes": Message(
        "Trang tự làm mới mỗi {refresh} giây; số liệu tính lại nhiều nhất {recompute} giây một lần, từ sổ tiếp nhận.",
        "The page refreshes itself every {refresh} s; the figures are recomputed from the ledger at most every "
        "{recompute} s.",
    ),
    "page.summary": Message("Tổng quan", "Overview"),
    "page.codes_title": Message(
        "Vì sao bị chặn: các mã phát hiện (số đảng viên có mã)",
        "Why members are blocked: the finding codes (members with each)",
    ),
    "page.today": Message("Tốc độ hôm nay", "Today's pace"),
    "page.today_intakes": Message("lượt tiếp nhận hôm nay", "intakes today"),
    "page.today_machines": Message("máy có lượt hôm nay", "machines at work today"),
    "page.today_per_machine": Message("mỗi máy hôm nay", "per machine today"),
    "page.today_expected": Message("chỉ tiêu tới giờ này ({share} ca)", "target by this time ({share} of the shift)"),
    "page.today_vs": Message("so với chỉ tiêu tới giờ này", "against the target by this time"),
    "page.deadline_title": Message("Dự báo so với hạn chót", "Projection against the deadline"),
    "page.no_deadline": Message(
        "Chưa đặt hạn chót (--deadline): không đánh giá kịp hay trễ.",
        "No deadline set (--deadline): nothing is judged on track or late.",
    ),
    "page.daily_title": Message("Lượt tiếp nhận mỗi ngày", "Intakes per day"),
    "page.daily_accepted": Message("chấp nhận", "accepted"),
    "page.daily_blocked": Message("bị chặn", "blocked"),
    "page.daily_target": Message("chỉ tiêu: {machines} máy × {per_day}", "target: {machines} machines × {per_day}"),
    "page.daily_axis": Message("lượt tiếp nhận", "intakes"),
    "page.daily_none": Message("Chưa có lượt tiếp nhận nào.", "No intake yet."),
}


def _merged(*parts: Mapping[str, Message]) -> MappingProxyType[str, Message]:
    merged: dict[str, Message] = {}
    for part in parts:
        doubled = merged.keys() & part.keys()
        if doubled:
            raise AssertionError(f"message keys defined twice: {sorted(doubled)}")
        merged.update(part)
    return MappingProxyType(merged)


#: The campaign loop (``doichieu.campaign``): the changes since the previous run
#: and the work lists officers return.
_CAMPAIGN: Final = {
    "revalidate.previous": Message(
        "thư mục kết quả của lần chạy trước: ghi thêm changes.csv (phát hiện mới, đã hết, vẫn còn)",
        "a previous run's output folder: also write changes.csv (new, resolved and still open findings)",
    ),
    "revalidate.campaign": Message(
        "thư mục chiến dịch (hoặc cơ sở dữ liệu postgresql://…): giữ từng lần chạy và trạng thái (đánh dấu, ghi chú"
        " của cán bộ), so với lần chạy trước; khi không có --out, kết quả ghi vào thư mục chiến dịch",
        "a campaign folder (or postgresql://… database): keeps each run and the state (officers' marks and notes),"
        " compares with the run before; without --out the outputs go into the campaign folder",
    ),
    "revalidate.changes": Message(
        "So với lần chạy trước: {new} mới, {resolved} đã hết, {open} vẫn còn, {done_still_found} báo đã xử lý nhưng vẫn còn",
        "Since the previous run: {new} new, {resolved} resolved, {open} still open,"
        " {done_still_found} marked done but still found",
    ),
    "worklists.help": Message(
        "nhận lại danh sách việc cán bộ gửi về: cột Đã xử lý và Ghi chú vào trạng thái chiến dịch",
        "take back the work lists officers return: their Done and Note columns into the campaign state",
    ),
    "worklists.epilog": Message(
        "Ví dụ:\n  doichieu worklists import --campaign chien_dich worklist_police.xlsx worklist_party_board.xlsx",
        "Examples:\n  doichieu worklists import --campaign campaign worklist_police.xlsx worklist_party_board.xlsx",
    ),
    "worklists.action": Message("việc cần làm: import (nhận lại)", "what to do: import"),
    "worklists.files": Message("các tệp danh sách việc gửi về (.xlsx)", "the returned work lists (.xlsx)"),
    "worklists.campaign": Message(
        "thư mục chiến dịch (hoặc cơ sở dữ liệu postgresql://…) có các lần chạy đã tạo ra các danh sách này",
        "the campaign folder (or postgresql://… database) whose runs wrote these lists",
    ),
    "worklists.imported": Message(
        "{file}: đã đọc {rows} dòng, nhận {taken} dòng", "{file}: read {rows} rows, took {taken}"
    ),
    "worklists.already": Message(
        "{file}: tệp này đã được nhận trước đó, không thay đổi gì",
        "{file}: this file was imported before, nothing changed",
    ),
    "worklists.unmatched_head": Message(
        "{count} dòng có đánh dấu hoặc ghi chú không khớp với phát hiện nào của lần chạy gần nhất (không nhận):",
        "{count} rows with a mark or note match no finding of the latest run (not taken):",
    ),
    "worklists.unmatched_row": Message(
        "  {file}, trang {sheet}, dòng {row}: {reason}", "  {file}, sheet {sheet}, row {row}: {reason}"
    ),
    "worklists.unmatched_more": Message("  … và {count} dòng nữa", "  … and {count} more"),
    "worklists.reason.resolved": Message(
        "phát hiện này không còn trong lần chạy gần nhất", "this finding is no longer found by the latest run"
    ),
    "worklists.reason.member_unknown": Message(
        "mã đảng viên không có trong danh sách đã gửi (bị sửa tay?)",
        "the member ID is not on the list that was sent (edited by hand?)",
    ),
    "worklists.reason.finding_unknown": Message(
        "đảng viên không có phát hiện này trong danh sách đã gửi",
        "the member has no such finding on the list that was sent",
    ),
    "worklists.unreadable": Message(
        "{file} không đọc được như một danh sách việc .xlsx ({error}); hãy gửi lại tệp do doichieu tạo",
        "{file} cannot be read as an .xlsx work list ({error}); send back the file doichieu wrote",
    ),
    "worklists.not_a_worklist": Message(
        "{file} không phải danh sách việc của doichieu (không có trang Thông tin hoặc các cột Mã đảng viên, Mã phát hiện,"
        " Trường dữ liệu)",
        "{file} is not a doichieu work list (no information sheet, or no member ID, finding code and field columns)",
    ),
    "worklists.no_stamp": Message(
        "{file} không mang mã chiến dịch: danh sách này không do một lần chạy có --campaign tạo ra",
        "{file} carries no campaign stamp: it was not written by a run with --campaign",
    ),
    "worklists.other_campaign": Message(
        "{file} thuộc một chiến dịch khác (tỉnh khác hoặc thư mục chiến dịch khác); không nhận",
        "{file} belongs to another campaign (another province or campaign folder); refused",
    ),
    "worklists.unknown_run": Message(
        "{file} ghi lần chạy {run}, lần chạy này không có trong thư mục chiến dịch",
        "{file} names run {run}, which this campaign folder does not hold",
    ),
    "campaign.no_state": Message(
        "{folder} không phải thư mục chiến dịch (không có campaign.sqlite) hay cơ sở dữ liệu chiến dịch;"
        " lần chạy đầu tiên (doichieu revalidate --campaign) tạo ra nó",
        "{folder} is not a campaign folder (no campaign.sqlite) or campaign database;"
        " the first run (doichieu revalidate --campaign) creates it",
    ),
    "campaign.no_runs": Message(
        "thư mục chiến dịch {folder} chưa có lần chạy nào", "the campaign folder {folder} holds no run yet"
    ),
    "campaign.not_a_state": Message(
        "{path} không đọc được như trạng thái chiến dịch ({error})",
        "{path} cannot be read as a campaign state ({error})",
    ),
    "campaign.newer_state": Message(
        "{path} do một phiên bản doichieu mới hơn ghi (lược đồ {found}, bản này biết đến {known}); hãy nâng cấp doichieu",
        "{path} was written by a newer doichieu (schema {found}, this one knows up to {known}); upgrade doichieu",
    ),
    "campaign.no_out": Message(
        "cần --out, hoặc --campaign là một thư mục, để biết ghi kết quả vào đâu",
        "--out, or --campaign naming a folder, is needed to know where to write",
    ),
    "campaign.no_previous": Message(
        "{folder} không phải thư mục kết quả của một lần chạy revalidate (không có findings.csv)",
        "{folder} is not the output folder of a revalidate run (no findings.csv)",
    ),
    "campaign.busy": Message(
        "chiến dịch {where} đang được ghi bởi {holder}; hãy chạy lại khi việc đó xong (không có gì thay đổi)",
        "the campaign {where} is being written by {holder}; run this again once that is finished (nothing changed)",
    ),
    "campaign.migration_failed": Message(
        "không nâng được trạng thái chiến dịch {path} từ lược đồ {found} ({error}); trạng thái vẫn như cũ,"
        " một bản sao nằm cạnh nó",
        "the campaign state {path} could not be upgraded from schema {found} ({error}); it is as it was,"
        " with a copy beside it",
    ),
    # The change statuses as the report's campaign section names them.
    "campaign.status.new": Message("Mới", "New"),
    "campaign.status.resolved": Message("Đã hết", "Resolved"),
    "campaign.status.open": Message("Vẫn còn", "Still open"),
    "campaign.status.done_still_found": Message("Báo đã xử lý nhưng vẫn còn", "Marked done, still found"),
    "campaign.chart_title": Message("Phát hiện còn mở theo lần chạy", "Open findings by run"),
    "campaign.chart_axis": Message("lần chạy", "run"),
}


MESSAGES: Final = _merged(_HELP, _OUTPUT, _ERRORS, _READING, _REPORT, _WORKLIST, _PAGE, _CAMPAIGN)

_language = ["vi"]


def set_language(lang: str) -> None:
    """Sets the language ``text`` answers in: ``vi`` or ``en``."""
    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r} is not one of {LANGUAGES}")
    _language[0] = lang


def language() -> str:
    return _language[0]


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """The language the usual variables ask for, in gettext's order (LANGUAGE,
    LC_ALL, LC_MESSAGES, LANG): the first that names a language decides; English
    if it is English, Vietnamese otherwise and when none is set. ``C`` and
    ``POSIX`` name no language and are passed over."""
    environ = os.environ if environ is None else environ
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for value in environ.get(variable, "").split(":"):
            name = value.split(".", 1)[0].split("@", 1)[0].strip().lower()
            if name in ("", "c", "posix"):
                continue
            return "en" if name == "en" or name.startswith("en_") else "vi"
    return "vi"


def text(key: str, /, **values: object) -> str:
    """The message ``key`` in the language in force, its placeholders filled."""
    return text_in(language(), key, **values)


def text_in(lang: str, key: str, /, **values: object) -> str:
    """The message ``key`` in ``lang``, its placeholders filled."""
    template: str = getattr(MESSAGES[key], lang)
    return template.format(**values) if values else template


def text_both(key: str, /, **values: object) -> str:
    """The message ``key`` in Vietnamese, then " / " and its English form: for
    the pages and files that show both languages."""
    return f"{text_in('vi', key, **values)} / {text_in('en', key, **values)}"


def title(term: Term) -> str:
    """A vocabulary term's title in the language in force."""
    return term.title_vi if language() == "vi" else term.title_en


def argparse_gettext(message: str) -> str:
    """argparse's ``_``: its own words in the language in force."""
    known = ARGPARSE_MESSAGES.get(message)
    return message if known is None else str(getattr(known, language()))


def argparse_ngettext(singular: str, plural: str, n: int) -> str:
    """argparse's ``ngettext``: Vietnamese has one form for every count."""
    return argparse_gettext(singular if n == 1 else plural)
