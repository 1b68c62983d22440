import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { inTauri } from './lib/api';

const app = mount(App, { target: document.getElementById('app')! });

// Tell the desktop shell when the first frame is on screen (cold-start measurement, --smoke).
requestAnimationFrame(() =>
  requestAnimationFrame(async () => {
    if (inTauri()) {
      const { invoke } = await import('@tauri-apps/api/core');
      await invoke('app_ready');
    }
  }),
);

export default app;
