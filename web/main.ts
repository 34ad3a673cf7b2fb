import 'dayjs/locale/zh-cn';
import { provideGlobalConfig } from 'element-plus';
import 'element-plus/es/components/message/style/css';
import en from 'element-plus/es/locale/lang/en';
import zhCn from 'element-plus/es/locale/lang/zh-cn';
import { computed, createApp } from 'vue';
import App from './App.vue';
import { lng } from './i18n';
import './style.css';

const app = createApp(App);
// Element Plus speaks the page's language: the date pickers' months and buttons, "no data" (issue 26)
provideGlobalConfig(computed(() => ({ locale: lng.value === 'en' ? en : zhCn })), app, true);
document.documentElement.lang = lng.value;
app.mount('#app');
