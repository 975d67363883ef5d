from newsgold.cli import main

raise SystemExit(main())
