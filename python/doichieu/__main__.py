from doichieu.cli import main

raise SystemExit(main())
